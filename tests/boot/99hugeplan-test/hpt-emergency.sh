#!/bin/sh
# emergency hook: runs just before dracut starts its emergency shell (shell init: sh -i -l;
# systemd: sulogin, once Enter is pressed). A login shell reads /etc/profile, which proves the
# shell itself was reached, then powers off.
echo "HPT-EMERGENCY-HOOK" >/dev/console
printf '%s\n' 'echo HPT-EMERGENCY-SHELL >/dev/console' 'echo o >/proc/sysrq-trigger' >>/etc/profile
