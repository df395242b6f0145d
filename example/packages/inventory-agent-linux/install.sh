#!/bin/sh
# Installs the inventory agent: a cron job that records the node's packages every hour.
set -eu
install -m 0755 inventory-agent /usr/local/bin/inventory-agent
echo '0 * * * * root /usr/local/bin/inventory-agent' > /etc/cron.d/inventory-agent
