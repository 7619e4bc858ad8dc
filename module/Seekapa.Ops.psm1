# Loads the cmdlets into a private AssemblyLoadContext (see DESIGN.md, "The load context"): Seekapa.Ops.dll (the shared
# model types and the loader) goes into the default context; the cmdlet assembly, Core and every third-party dll in bin/
# go into the private one, so other modules' YamlDotNet / Azure.Core / Microsoft.Extensions.* cannot clash with ours.

# LoadFrom rather than Add-Type: Add-Type autoloads Microsoft.PowerShell.Utility, which costs ~100 ms at import.
if (-not ('Seekapa.Ops.LoadContext' -as [type])) {
    $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'Seekapa.Ops.dll'))
}

$isReload = [Seekapa.Ops.LoadContext]::IsInitialized
$cmdletAssembly = [Seekapa.Ops.LoadContext]::Initialize([System.IO.Path]::Combine($PSScriptRoot, 'bin'))

# The Import-Module cmdlet itself, so that a user's proxy function or alias cannot intercept it.
$importModule = $ExecutionContext.InvokeCommand.GetCmdlet('Microsoft.PowerShell.Core\Import-Module')
$innerModule = & $importModule -Assembly $cmdletAssembly -PassThru

if ($isReload -and $innerModule) {
    # PowerShell/PowerShell#20710: after Import-Module -Force (or Remove-Module + Import-Module) the outer module exports
    # no cmdlets. Re-add them through the non-public PSModuleInfo.AddExportedCmdlet; Pester tests this path.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
        $null = $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
    }
}
