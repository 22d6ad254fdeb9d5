#!/usr/bin/env bash
# Installs Postfix (for smtp-source, the reference load generator, and smtpd,
# the reference server) when missing. "No configuration" keeps the package
# from setting up or starting a system mail server: the benchmark runs its own
# throwaway instance on loopback (bench/postfix.ts) and nothing else.
set -euo pipefail
command -v smtp-source >/dev/null 2>&1 && [ -x /usr/sbin/postfix ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "the benchmark needs Postfix (smtp-source, smtpd): install the postfix package" >&2
  exit 1
fi
echo "installing postfix with apt-get (no configuration, not started)" >&2
export DEBIAN_FRONTEND=noninteractive
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
apt-get update -qq >/dev/null
# policy-rc.d 101: no service may start during the install, whatever the package's scripts do.
had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
if [ $had_policy = 0 ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
trap '[ $had_policy = 0 ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends postfix >/dev/null
