#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's MAML help (one XML file) from the markdown pages in docs/cmdlets.
.DESCRIPTION
    Page format: docs/cmdlets/<Cmdlet-Name>.md, one per exported cmdlet. Level-2 headings are sections; text is plain
    markdown paragraphs (a blank line starts a new paragraph; a paragraph whose lines start with "- " keeps its lines).

        # Get-SeekapaPodHealth
        ## SYNOPSIS              one paragraph
        ## DESCRIPTION           paragraphs
        ## EXAMPLES              at least one:
        ### Example 1: title
        ```powershell
        the code, one or more lines
        ```
        paragraphs explaining it
        ## PARAMETERS
        ### -Name                one per parameter, description paragraphs ONLY
        ## OUTPUTS
        ### Seekapa.Ops.PodHealth  the type name, then paragraphs
        ## NOTES                 paragraphs (RBAC verbs needed, ...)
        ## RELATED LINKS
        - [text](https://uri)    or "- about_Topic" (a link without a uri)

    Parameter metadata (type, parameter sets, position, mandatory, pipeline input, aliases, wildcards) is never written
    in markdown: it is read from the compiled cmdlets, by importing the built module in a child pwsh (the build process
    must not load the binary module: it could never unload it). INPUTS are derived from the pipeline-bound parameters.

    The build fails (this script throws) when an exported cmdlet has no page, a page has no matching cmdlet, a page
    documents a parameter the cmdlet does not have, a parameter (other than the common parameters) is not documented,
    or a page lacks a SYNOPSIS, a DESCRIPTION or an example, or OUTPUTS names a type the cmdlet does not declare.
    -WhatIf/-Confirm (optional common parameters) get a standard text unless documented.
.EXAMPLE
    ./tools/New-MamlHelp.ps1 -DocsPath docs/cmdlets -OutputPath out/Seekapa.Ops/en-US/Seekapa.Ops.PowerShell.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $DocsPath,
    [Parameter(Mandatory)][string[]] $OutputPath,
    # The built module folder; by default the module folder that contains OutputPath (out/Seekapa.Ops/[bin/]en-US/x.xml).
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if (-not $ModulePath) {
    $ModulePath = Split-Path (Split-Path $OutputPath[0])
    if ((Split-Path $ModulePath -Leaf) -eq 'bin') { $ModulePath = Split-Path $ModulePath }
}

$optionalCommonText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
    UseTransaction = 'Includes the command in the active transaction.'
}

function Get-CmdletMetadata([string] $Path) {
    # Runs in a child pwsh; prints one JSON document describing every exported cmdlet.
    $probe = {
        param($Path)
        $ErrorActionPreference = 'Stop'
        $module = Import-Module $Path -PassThru
        $cmdlets = foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
            $parameters = foreach ($p in $command.Parameters.Values | Where-Object { $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters }) {
                [ordered]@{
                    Name      = $p.Name
                    Type      = $p.ParameterType.FullName
                    Switch    = $p.SwitchParameter
                    Aliases   = @($p.Aliases)
                    Wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    Optional  = $p.Name -in [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
                }
            }
            $sets = foreach ($set in $command.ParameterSets) {
                [ordered]@{
                    Name       = $set.Name
                    IsDefault  = $set.IsDefault
                    Parameters = @(foreach ($p in $set.Parameters | Where-Object Name -notin ([System.Management.Automation.PSCmdlet]::CommonParameters)) {
                            [ordered]@{ Name = $p.Name; Position = $p.Position; Mandatory = $p.IsMandatory
                                ByValue = $p.ValueFromPipeline; ByPropertyName = $p.ValueFromPipelineByPropertyName }
                        })
                }
            }
            [ordered]@{ Name = $command.Name; Verb = $command.Verb; Noun = $command.Noun; Parameters = @($parameters); Sets = @($sets)
                Outputs = @($command.OutputType.Name); HelpUri = $command.HelpUri }
        }
        ConvertTo-Json -InputObject @($cmdlets) -Depth 8 -Compress
    }
    $exe = [Environment]::ProcessPath
    # Under `dotnet pwsh` the process is dotnet itself: the child needs pwsh.dll as its first argument.
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("& { $probe } '$($Path -replace "'", "''")'"))
    $json = & $exe @prefix -NoProfile -NonInteractive -EncodedCommand $encoded
    if ($LASTEXITCODE -ne 0) { throw "Importing '$Path' in a child pwsh to read the cmdlet metadata failed (exit $LASTEXITCODE)." }
    ($json -join "`n") | ConvertFrom-Json
}

function Split-Paragraphs([string[]] $Lines) {
    # Blocks separated by blank lines; a block with list items keeps its line breaks, prose is joined into one line.
    $text = ($Lines -join "`n").Trim()
    if (-not $text) { return @() }
    foreach ($block in $text -split "\n\s*\n") {
        $blockLines = $block -split "\n" | ForEach-Object TrimEnd
        if ($blockLines -match '^\s*([-*]|\d+\.) ') { $blockLines -join "`n" } else { ($blockLines | ForEach-Object Trim) -join ' ' }
    }
}

function Read-Page([string] $File) {
    # Returns Name, Sections (level 2, name -> lines) and Subsections (level 2 -> ordered level 3 name -> lines).
    $page = @{ File = $File; Name = $null; Sections = [ordered]@{}; Subsections = [ordered]@{} }
    $section = $null; $sub = $null; $inCode = $false
    foreach ($line in Get-Content $File) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match '^# (\S+)\s*$') { $page.Name = $Matches[1]; continue }
        if (-not $inCode -and $line -match '^## (.+?)\s*$') {
            $section = $Matches[1].ToUpperInvariant(); $sub = $null
            $page.Sections[$section] = [System.Collections.Generic.List[string]]::new()
            $page.Subsections[$section] = [ordered]@{}
            continue
        }
        if (-not $inCode -and $section -and $line -match '^### (.+?)\s*$') {
            $sub = $Matches[1]; $page.Subsections[$section][$sub] = [System.Collections.Generic.List[string]]::new(); continue
        }
        if ($sub) { $page.Subsections[$section][$sub].Add($line) } elseif ($section) { $page.Sections[$section].Add($line) }
    }
    $page
}

function Read-Example([string] $Title, [string[]] $Lines) {
    $code = [System.Collections.Generic.List[string]]::new(); $remarks = [System.Collections.Generic.List[string]]::new()
    $state = 'before'
    foreach ($line in $Lines) {
        if ($line -match '^```') { $state = if ($state -eq 'before') { 'code' } else { 'after' }; continue }
        if ($state -eq 'code') { $code.Add($line) } elseif ($state -eq 'after') { $remarks.Add($line) }
    }
    @{ Title = $Title; Code = ($code -join "`n"); Remarks = @(Split-Paragraphs $remarks) }
}

# --- XML writing -------------------------------------------------------------------------------------------------
$ns = @{
    '' = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Add-Node($Parent, [string] $QName, [string] $Text, [hashtable] $Attributes) {
    $prefix, $local = if ($QName.Contains(':')) { $QName.Split(':', 2) } else { '', $QName }
    $node = $Parent.OwnerDocument.CreateElement($prefix, $local, $ns[$prefix])
    if ($Attributes) { foreach ($k in $Attributes.Keys | Sort-Object) { $node.SetAttribute($k, [string]$Attributes[$k]) } }
    if ($PSBoundParameters.ContainsKey('Text') -and $null -ne $Text) { $node.InnerText = $Text }
    $Parent.AppendChild($node)
}

function Add-Paragraphs($Parent, [string] $QName, [string[]] $Paragraphs) {
    $description = Add-Node $Parent $QName
    foreach ($p in $Paragraphs) { $null = Add-Node $description 'maml:para' $p }
}

function Get-ShortType([string] $FullName) { $FullName -replace '^System\.(Management\.Automation\.)?', '' }

function Add-Parameter($Parent, $Meta, $Usages, [string[]] $Description, [switch] $InSyntax) {
    # $Usages: the parameter's entries in the set(s) concerned (position, mandatory, pipeline) as read from the cmdlet.
    $positions = @($Usages | ForEach-Object { if ($_.Position -ge 0) { "$($_.Position)" } else { 'named' } } | Select-Object -Unique)
    $how = @(if ($Usages | Where-Object ByValue) { 'ByValue' }) + @(if ($Usages | Where-Object ByPropertyName) { 'ByPropertyName' })
    $pipeline = if ($how) { "True ($($how -join ', '))" } else { 'False' }
    $attributes = @{
        required     = ([bool](@($Usages | Where-Object { -not $_.Mandatory }).Count -eq 0)).ToString().ToLowerInvariant()
        variableLength = 'true'
        globbing     = $Meta.Wildcards.ToString().ToLowerInvariant()
        pipelineInput = $pipeline
        position     = $positions -join ', '
        aliases      = if (@($Meta.Aliases).Count) { @($Meta.Aliases) -join ', ' } else { 'none' }
    }
    $parameter = Add-Node $Parent 'command:parameter' -Attributes $attributes
    $null = Add-Node $parameter 'maml:name' $Meta.Name
    if (-not $InSyntax) { Add-Paragraphs $parameter 'maml:description' $Description }
    $type = Get-ShortType $Meta.Type
    if (-not ($InSyntax -and $Meta.Switch)) {
        $null = Add-Node $parameter 'command:parameterValue' $type @{ required = (-not $Meta.Switch).ToString().ToLowerInvariant(); variableLength = 'false' }
    }
    $devType = Add-Node $parameter 'dev:type'
    $null = Add-Node $devType 'maml:name' $Meta.Type
    $null = Add-Node $parameter 'dev:defaultValue' ($(if ($Meta.Switch) { 'False' } else { 'None' }))
}

function Add-Command($Root, $Meta, $Page) {
    $command = Add-Node $Root 'command:command'

    $details = Add-Node $command 'command:details'
    $null = Add-Node $details 'command:name' $Meta.Name
    $null = Add-Node $details 'command:verb' $Meta.Verb
    $null = Add-Node $details 'command:noun' $Meta.Noun
    Add-Paragraphs $details 'maml:description' @(Split-Paragraphs $Page.Sections['SYNOPSIS'])
    Add-Paragraphs $command 'maml:description' @(Split-Paragraphs $Page.Sections['DESCRIPTION'])

    $docs = $Page.Subsections['PARAMETERS']
    $descriptionOf = { param($name) if ($docs -and $docs.Contains("-$name")) { @(Split-Paragraphs $docs["-$name"]) } else { @($optionalCommonText[$name]) } }
    $metaOf = @{}; foreach ($p in $Meta.Parameters) { $metaOf[$p.Name] = $p }

    # Syntax: default set first; in a set, positional parameters by position, then mandatory, then the rest.
    $syntax = Add-Node $command 'command:syntax'
    foreach ($set in @($Meta.Sets | Sort-Object { -not $_.IsDefault }, Name)) {
        $item = Add-Node $syntax 'command:syntaxItem'
        $null = Add-Node $item 'maml:name' $Meta.Name
        $ordered = @($set.Parameters) | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.Mandatory }
        foreach ($usage in $ordered) { Add-Parameter $item $metaOf[$usage.Name] @($usage) -InSyntax }
    }

    $parameters = Add-Node $command 'command:parameters'
    foreach ($p in $Meta.Parameters) {
        $usages = @($Meta.Sets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $p.Name })
        Add-Parameter $parameters $p $usages (& $descriptionOf $p.Name)
    }

    # INPUTS: derived from the parameters that take pipeline input.
    $inputs = Add-Node $command 'command:inputTypes'
    foreach ($p in $Meta.Parameters) {
        $usages = @($Meta.Sets.Parameters | Where-Object Name -EQ $p.Name)
        $how = if ($usages | Where-Object ByValue) { 'from the pipeline' } elseif ($usages | Where-Object ByPropertyName) { "from a property named $($p.Name) of a pipeline object" }
        if (-not $how) { continue }
        $inputType = Add-Node $inputs 'command:inputType'
        $null = Add-Node (Add-Node $inputType 'dev:type') 'maml:name' $p.Type
        Add-Paragraphs $inputType 'maml:description' @("Bound to -$($p.Name) $how.")
    }

    $returns = Add-Node $command 'command:returnValues'
    foreach ($output in @(if ($Page.Subsections.Contains('OUTPUTS')) { $Page.Subsections['OUTPUTS'].GetEnumerator() })) {
        $returnValue = Add-Node $returns 'command:returnValue'
        $null = Add-Node (Add-Node $returnValue 'dev:type') 'maml:name' $output.Key
        Add-Paragraphs $returnValue 'maml:description' @(Split-Paragraphs $output.Value)
    }

    if ($Page.Sections.Contains('NOTES')) {
        $alert = Add-Node (Add-Node $command 'maml:alertSet') 'maml:alert'
        foreach ($p in Split-Paragraphs $Page.Sections['NOTES']) { $null = Add-Node $alert 'maml:para' $p }
    }

    $examples = Add-Node $command 'command:examples'
    foreach ($entry in $Page.Subsections['EXAMPLES'].GetEnumerator()) {
        $example = Read-Example $entry.Key $entry.Value
        $node = Add-Node $examples 'command:example'
        $null = Add-Node $node 'maml:title' "-------------------------- $($example.Title) --------------------------"
        $null = Add-Node $node 'dev:code' $example.Code
        Add-Paragraphs $node 'dev:remarks' ($example.Remarks + '')  # the empty paragraph separates the examples on screen
    }

    $links = Add-Node $command 'command:relatedLinks'
    # Get-Help -Online opens the first related link that has a uri, before the cmdlet's HelpUri: so the page of the
    # cmdlet's HelpUri comes first, as platyPS writes "Online Version:".
    if ($Meta.HelpUri) {
        $link = Add-Node $links 'maml:navigationLink'
        $null = Add-Node $link 'maml:linkText' 'Online Version:'
        $null = Add-Node $link 'maml:uri' $Meta.HelpUri
    }
    foreach ($line in @($Page.Sections['RELATED LINKS']) | Where-Object { $_ -match '^\s*[-*]\s+\S' }) {
        $text, $uri = if ($line -match '\[(.+?)\]\((.*?)\)') { $Matches[1], $Matches[2] } else { ($line -replace '^\s*[-*]\s+', '').Trim(), '' }
        $link = Add-Node $links 'maml:navigationLink'
        $null = Add-Node $link 'maml:linkText' $text
        $null = Add-Node $link 'maml:uri' $uri
    }
}

# --- main --------------------------------------------------------------------------------------------------------
$metadata = @(Get-CmdletMetadata (Resolve-Path $ModulePath).Path)
$pages = @{}
foreach ($file in Get-ChildItem $DocsPath -Filter '*.md' -File) {
    $page = Read-Page $file.FullName
    $pages[$(if ($page.Name) { $page.Name } else { $file.BaseName })] = $page
}

$problems = [System.Collections.Generic.List[string]]::new()
foreach ($name in $pages.Keys | Where-Object { $_ -notin $metadata.Name } | Sort-Object) {
    $problems.Add("$($pages[$name].File): documents '$name', which the module does not export.")
}
foreach ($meta in $metadata) {
    $page = $pages[$meta.Name]
    if (-not $page) { $problems.Add("$($meta.Name): no help page; write $(Join-Path $DocsPath "$($meta.Name).md")."); continue }
    foreach ($section in 'SYNOPSIS', 'DESCRIPTION') {
        if (-not $page.Sections.Contains($section) -or -not (Split-Paragraphs $page.Sections[$section])) { $problems.Add("$($page.File): no $section.") }
    }
    if (-not $page.Subsections.Contains('EXAMPLES') -or $page.Subsections['EXAMPLES'].Count -eq 0) { $problems.Add("$($page.File): no example.") }
    else {
        foreach ($entry in $page.Subsections['EXAMPLES'].GetEnumerator()) {
            if (-not (Read-Example $entry.Key $entry.Value).Code) { $problems.Add("$($page.File): '$($entry.Key)' has no powershell code block.") }
        }
    }
    $documented = if ($page.Subsections.Contains('PARAMETERS')) { @($page.Subsections['PARAMETERS'].Keys) } else { @() }
    foreach ($heading in $documented) {
        if ($heading -notmatch '^-(\w+)$' -or $Matches[1] -notin $meta.Parameters.Name) { $problems.Add("$($page.File): documents parameter '$heading', which $($meta.Name) does not have.") }
        elseif (-not (Split-Paragraphs $page.Subsections['PARAMETERS'][$heading])) { $problems.Add("$($page.File): parameter '$heading' has no description.") }
    }
    foreach ($type in @(if ($page.Subsections.Contains('OUTPUTS')) { $page.Subsections['OUTPUTS'].Keys }) | Where-Object { $_ -notin $meta.Outputs }) {
        $problems.Add("$($page.File): OUTPUTS names '$type', which is not an [OutputType] of $($meta.Name) ($($meta.Outputs -join ', ')).")
    }
    foreach ($p in $meta.Parameters | Where-Object { -not $_.Optional -and "-$($_.Name)" -notin $documented }) {
        $problems.Add("$($page.File): parameter -$($p.Name) of $($meta.Name) is not documented.")
    }
}
if ($problems.Count) { throw "Help pages do not match the cmdlets:`n  " + ($problems -join "`n  ") }

$document = [xml]::new()
$null = $document.AppendChild($document.CreateXmlDeclaration('1.0', 'utf-8', $null))
$root = $document.AppendChild($document.CreateElement('helpItems', $ns['']))
$root.SetAttribute('schema', 'maml')
foreach ($prefix in 'maml', 'command', 'dev') { $root.SetAttribute("xmlns:$prefix", $ns[$prefix]) }
foreach ($meta in $metadata) { Add-Command $root $meta $pages[$meta.Name] }

foreach ($path in $OutputPath) {
    $null = New-Item -ItemType Directory -Path (Split-Path $path) -Force
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($path, $settings)
    try { $document.Save($writer) } finally { $writer.Dispose() }
    Write-Verbose "Wrote $path"
}
Write-Host "Help: $($metadata.Count) cmdlets -> $($OutputPath -join ', ')"
