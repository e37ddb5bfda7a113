#!/usr/bin/env bash
# Extract strings per app (each app keeps its own locale/), then compile every catalogue.
set -eu
BIN=$(pwd)/.venv/bin
LANGS="-l ru -l zh_Hans -l en"
APPS="chats questions templates_lib reviews autopilot sellerdesk/replycheck sellerdesk/sla sellerdesk/marketplaces"
for app in $APPS; do
  if [ -d "$app/locale" ]; then (cd "$app" && $BIN/django-admin makemessages $LANGS --ignore=migrations); fi
done
ignores=""
for app in $APPS; do ignores="$ignores --ignore=$app"; done
$BIN/python manage.py makemessages $LANGS --ignore=.venv --ignore=tests --ignore=bench --ignore=sellerdesk/policy $ignores
$BIN/python manage.py compilemessages --ignore=.venv
