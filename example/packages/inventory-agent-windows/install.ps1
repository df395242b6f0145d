# Installs the inventory agent: a scheduled task that records the node's programs every hour.
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path "$env:ProgramFiles\InventoryAgent" | Out-Null
Copy-Item -Force inventory-agent.ps1 "$env:ProgramFiles\InventoryAgent\inventory-agent.ps1"
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-File `"$env:ProgramFiles\InventoryAgent\inventory-agent.ps1`""
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Hours 1)
Register-ScheduledTask -Force -TaskName 'InventoryAgent' -Action $action -Trigger $trigger -User 'SYSTEM' | Out-Null
