#!/bin/sh
# emergency hook: runs just before dracut starts its emergency shell (shell init: sh -i -l;
# systemd: sulogin, once Enter is pressed). A login shell reads /etc/profile, which proves the
# shell itself was reached, then powers off. The pause lets the serial port drain: sysrq's
# power-off is immediate, and the marker was seen lost in a loaded run without it.
echo "HPT-EMERGENCY-HOOK" >/dev/console
printf '%s\n' 'echo HPT-EMERGENCY-SHELL >/dev/console' 'sleep 1' 'echo o >/proc/sysrq-trigger' >>/etc/profile
