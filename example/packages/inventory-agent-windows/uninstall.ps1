# Removes the inventory agent.
$ErrorActionPreference = 'Stop'
Unregister-ScheduledTask -TaskName 'InventoryAgent' -Confirm:$false -ErrorAction SilentlyContinue
Remove-Item -Recurse -Force "$env:ProgramFiles\InventoryAgent" -ErrorAction SilentlyContinue
