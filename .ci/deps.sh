#!/usr/bin/env bash
# Installs the Debian packages the tests use as real clients, when missing:
# swaks and python3 (SMTP clients), curl (the README's API examples), chromium (the portal's browser tests,
# driven by playwright-core; never a browser downloaded by a test tool), systemd-analyze (the service unit).
# Called by `npm test`, so a fresh machine needs nothing but the README's commands.
set -euo pipefail
need=()
command -v swaks >/dev/null 2>&1 || need+=(swaks)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# swaks speaks STARTTLS and implicit TLS only with Net::SSLeay (a "recommends" that --no-install-recommends skips).
perl -MNet::SSLeay -e1 >/dev/null 2>&1 || need+=(libnet-ssleay-perl)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
# systemd-analyze verify checks deploy/mail2sms.service (test/deploy.test.ts); nothing here runs systemd.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "mail2sms tests need: ${need[*]} (install them with your package manager)" >&2
  exit 1
fi
echo "installing ${need[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
