#!/bin/sh
# Removes the inventory agent.
set -eu
rm -f /etc/cron.d/inventory-agent /usr/local/bin/inventory-agent
