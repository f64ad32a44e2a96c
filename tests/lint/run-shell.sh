#!/bin/sh
# Every shell file of the project passes shellcheck (0.9, Debian's) with no finding at all,
# and parses in dash ("dash -n", /bin/sh on Debian) or, for bash files, "bash -n":
#   - grub/99-hugeplan.cfg.in as it is, and a snippet rendered from it (the text root's shell
#     sources at every update-grub), as POSIX sh;
#   - grub/generate.sh, dracut-module/50hugeplan/ (the hook is POSIX sh, module-setup.sh
#     bash, as dracut sources it), debian/postrm, the bash completion;
#   - every *.sh under tests/ and the test dracut module.
# A finding that is not a problem is silenced where it is, with its reason: a "disable=SCnnnn"
# directive followed by "# why"; a directive without a reason fails here too. shellcheck runs
# from the top of the tree with -x, so the "source=tests/lib.sh" directives are followed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1

if ! command -v shellcheck >/dev/null 2>&1 || ! command -v dash >/dev/null 2>&1; then
	t_fail "shellcheck and dash are installed" "run tests/install-deps.sh"
	t_done
	exit 1
fi

# the files, "DIALECT PATH" (the dialect from the #! line or a shellcheck shell= directive)
{
	find grub dracut-module tests -type f \
		\( -name '*.sh' -o -name '*.bash' -o -name '*.cfg.in' \) -print
	echo debian/postrm
	echo completion/hugeplan
} | LC_ALL=C sort | while read -r f; do
	case $(head -n 1 "$f") in
	'#!/bin/bash'*) echo "bash $f" ;;
	'#!/bin/sh'*) echo "sh $f" ;;
	*)
		d=$(sed -n 's/^# shellcheck shell=\([a-z]*\).*/\1/p' "$f" | head -n 1)
		echo "${d:-sh} $f"
		;;
	esac
done >"$T_TMP/files"

# a rendered snippet, as apply writes it
if [ -x "$B/tests/grub-tool" ]; then
	"$B/tests/grub-tool" snippet default_hugepagesz=1G hugepagesz=1G hugepages=4 \
		hugepagesz=2M hugepages=0:512,1:512 hugeplan.plan=0123456789abcdef >"$T_TMP/99-hugeplan.cfg"
	echo "sh $T_TMP/99-hugeplan.cfg" >>"$T_TMP/files"
else
	t_fail "a rendered snippet to check" "$B/tests/grub-tool is not built (make unit-tests)"
fi

n=$(wc -l <"$T_TMP/files")
: >"$T_TMP/sc.out"
: >"$T_TMP/parse.out"
while read -r dialect f; do
	shellcheck -x -s "$dialect" -f gcc "$f" >>"$T_TMP/sc.out" 2>&1
	if [ "$dialect" = bash ]; then
		bash -n "$f" >>"$T_TMP/parse.out" 2>&1 || echo "bash -n $f failed" >>"$T_TMP/parse.out"
	else
		dash -n "$f" >>"$T_TMP/parse.out" 2>&1 || echo "dash -n $f failed" >>"$T_TMP/parse.out"
	fi
done <"$T_TMP/files"
if [ -s "$T_TMP/sc.out" ]; then
	t_fail "shellcheck: no finding in the $n shell files" "$(head -n 40 "$T_TMP/sc.out")"
else
	t_ok "shellcheck: no finding in the $n shell files ($(grep -c '^sh ' "$T_TMP/files") sh, $(grep -c '^bash ' "$T_TMP/files") bash)"
fi
if [ -s "$T_TMP/parse.out" ]; then
	t_fail "dash -n (bash -n for bash files) parses all $n" "$(head -n 20 "$T_TMP/parse.out")"
else
	t_ok "dash -n (bash -n for bash files) parses all $n"
fi
for want in grub/99-hugeplan.cfg.in grub/generate.sh dracut-module/50hugeplan/module-setup.sh \
	dracut-module/50hugeplan/hugeplan-verify.sh 99-hugeplan.cfg completion/hugeplan; do
	if grep -q "$want\$" "$T_TMP/files"; then
		t_ok "checked: $want"
	else
		t_fail "checked: $want" "$(cat "$T_TMP/files")"
	fi
done

# every silenced finding says why
DIRECTIVE='^[[:space:]]*# shellcheck disable='
cut -d' ' -f2 "$T_TMP/files" | xargs grep -En "$DIRECTIVE" >"$T_TMP/disables" || :
grep -Ev ":[0-9]+:[[:space:]]*# shellcheck disable=[A-Z0-9,]+ # ." "$T_TMP/disables" \
	>"$T_TMP/noreason" || :
if [ -s "$T_TMP/noreason" ]; then
	t_fail "every shellcheck disable gives its reason" "$(cat "$T_TMP/noreason")"
else
	t_ok "every shellcheck disable gives its reason ($(wc -l <"$T_TMP/disables") of them)"
fi

# the control: the same run finds an unquoted variable, and dash a syntax error
# shellcheck disable=SC2016 # the $1 is the made-up file's mistake
printf '#!/bin/sh\nrm -f $1\n' >"$T_TMP/bad.sh"
printf '#!/bin/sh\nif true; then\n' >"$T_TMP/bad2.sh"
if shellcheck -x -s sh -f gcc "$T_TMP/bad.sh" | grep -q SC2086 && ! dash -n "$T_TMP/bad2.sh" 2>/dev/null; then
	t_ok "control: shellcheck finds an unquoted \$1, dash -n an unclosed if"
else
	t_fail "control: shellcheck finds an unquoted \$1, dash -n an unclosed if"
fi
t_done
