using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.PowerShell.Cmdlets;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>Get-SeekapaAzureDatabaseServer through a runspace over the fake Resource Manager.</summary>
public sealed class FlexibleServerCmdletTests : IDisposable
{
    private readonly AzureCmdletRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public void OneServerShowsStateFqdnVersionBackupWindowAndHighAvailability()
    {
        var earliest = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var arm = new FakeArm().On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"),
            FakeArm.Json(200, FlexibleServerArm.Server("seekapa-postgres", earliest, privateAccess: true)));

        var result = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer -ResourceGroupName seekapa-rg -Name seekapa-postgres");

        var server = Assert.IsType<AzureDatabaseServer>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(("seekapa-postgres", "seekapa-rg", "eastus", "Ready"), (server.Name, server.ResourceGroupName, server.Location, server.State));
        Assert.Equal("seekapa-postgres.postgres.database.azure.com", server.FullyQualifiedDomainName);
        Assert.Equal(("16", "Standard_D4ds_v5", "GeneralPurpose"), (server.Version, server.Sku, server.Tier));
        Assert.Equal((7, earliest, "Disabled"), (server.BackupRetentionDays, server.EarliestRestoreDate, server.GeoRedundantBackup));
        Assert.Equal(("ZoneRedundant", "Healthy"), (server.HighAvailabilityMode, server.HighAvailabilityState));
        Assert.Equal("Disabled", server.PublicNetworkAccess);
        Assert.EndsWith("/subnets/postgres", server.DelegatedSubnetResourceId);
        Assert.Equal(FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"), server.ResourceId);
        Assert.Equal("?api-version=2024-08-01", Assert.Single(arm.Requests).Query);
    }

    [Fact]
    public void WithoutANameEveryServerOfTheGroupIsListedFollowingNextLink()
    {
        var list = FlexibleServerArm.ServerPath("seekapa-rg", null);
        var arm = new FakeArm().On("GET", list, request => request.Query.Contains("page=2", StringComparison.Ordinal)
            ? FakeArm.Json(200, $$"""{"value":[{{FlexibleServerArm.Server("seekapa-reporting", null)}}]}""")
            : FakeArm.Json(200, $$"""{"value":[{{FlexibleServerArm.Server("seekapa-postgres", null)}}],"nextLink":"https://management.azure.com{{list}}?api-version=2024-08-01&page=2"}"""));

        var result = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer seekapa-rg");

        Assert.Empty(result.Errors);
        Assert.Equal(["seekapa-postgres", "seekapa-reporting"], result.Output.Select(o => ((AzureDatabaseServer)o.BaseObject).Name));
    }

    [Fact]
    public void AWildcardFiltersTheListAndMatchingNothingIsSilent()
    {
        var arm = new FakeArm().On("GET", FlexibleServerArm.ServerPath("seekapa-rg", null),
            FakeArm.Json(200, $$"""{"value":[{{FlexibleServerArm.Server("seekapa-postgres", null)}},{{FlexibleServerArm.Server("seekapa-postgres-restored", null)}},{{FlexibleServerArm.Server("analytics", null)}}]}"""));

        var matched = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer seekapa-rg -Name seekapa-postgres*");
        var none = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer seekapa-rg -Name 'nothing*'");

        Assert.Equal(["seekapa-postgres", "seekapa-postgres-restored"], matched.Output.Select(o => ((AzureDatabaseServer)o.BaseObject).Name));
        Assert.Empty(none.Output);
        Assert.Empty(none.Errors);
    }

    [Fact]
    public void AMissingExplicitNameIsDatabaseServerNotFound()
    {
        var arm = new FakeArm()
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "gone"), FlexibleServerArm.NotFound("gone"))
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", null), FakeArm.Json(200, $$"""{"value":[{{FlexibleServerArm.Server("seekapa-postgres", null)}}]}"""));

        var single = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer seekapa-rg gone");
        var several = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer seekapa-rg seekapa-postgres, gone");

        Assert.Equal("DatabaseServerNotFound", AzureCmdletRunner.ErrorId(Assert.Single(single.Errors)));
        Assert.Single(several.Output);
        Assert.Equal("DatabaseServerNotFound", AzureCmdletRunner.ErrorId(Assert.Single(several.Errors)));
    }

    [Fact]
    public void AMissingResourceGroupIsResourceGroupNotFound()
    {
        var arm = new FakeArm().On("GET", FlexibleServerArm.ServerPath("nope-rg", null),
            FakeArm.Error(404, "ResourceGroupNotFound", "Resource group 'nope-rg' could not be found."));

        var result = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer nope-rg");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ResourceGroupNotFound", AzureCmdletRunner.ErrorId(error));
        Assert.Contains("could not be found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidResourceGroupNameSendsNothing()
    {
        var arm = new FakeArm();

        var result = _runner.Run(arm, "Get-SeekapaAzureDatabaseServer 'rg/../x?' ");

        Assert.Equal("InvalidResourceGroupName", AzureCmdletRunner.ErrorId(Assert.Single(result.Errors)));
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public void WithoutAConnectionItSaysToConnect()
    {
        var result = _runner.RunWithoutConnection("Get-SeekapaAzureDatabaseServer seekapa-rg");

        Assert.Equal("AzureNotConnected", AzureCmdletRunner.ErrorId(Assert.Single(result.Errors)));
    }

    [Fact]
    public void TheServersFqdnBindsByPropertyNameToAServerParameter()
    {
        // What Set-SeekapaDatabaseEndpoint -Server relies on: FullyQualifiedDomainName flows by property name.
        var arm = new FakeArm().On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"),
            FakeArm.Json(200, FlexibleServerArm.Server("seekapa-postgres", null)));

        var result = _runner.Run(arm, """
            function Probe { param([Parameter(ValueFromPipelineByPropertyName)][Alias('FullyQualifiedDomainName')][string] $Server) process { $Server } }
            Get-SeekapaAzureDatabaseServer seekapa-rg seekapa-postgres | Probe
            """);

        Assert.Equal("seekapa-postgres.postgres.database.azure.com", Assert.Single(result.Output).BaseObject);
    }
}

/// <summary>Flexible server answers shaped as specs/azure-arm.md gives them, for the fake Resource Manager.</summary>
internal static class FlexibleServerArm
{
    public const string OperationUrl = "https://management.azure.com/subscriptions/" + FakeArm.Subscription +
        "/providers/Microsoft.DBforPostgreSQL/locations/eastus/azureAsyncOperation/op1?api-version=2024-08-01";

    public const string OperationPath = ".*/azureAsyncOperation/op1";

    public const string CheckNamePath = "/subscriptions/" + FakeArm.Subscription + "/providers/Microsoft.DBforPostgreSQL/locations/eastus/checkNameAvailability";

    public static string ServerPath(string group, string? name) =>
        $"/subscriptions/{FakeArm.Subscription}/resourceGroups/{group}/providers/Microsoft.DBforPostgreSQL/flexibleServers" +
        (name is null ? string.Empty : "/" + name);

    public static string Server(string name, DateTimeOffset? earliest, bool privateAccess = false, string state = "Ready", string group = "seekapa-rg")
    {
        var network = privateAccess
            ? new JsonObject
            {
                ["publicNetworkAccess"] = "Disabled",
                ["delegatedSubnetResourceId"] = $"/subscriptions/{FakeArm.Subscription}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/postgres",
                ["privateDnsZoneArmResourceId"] = $"/subscriptions/{FakeArm.Subscription}/resourceGroups/{group}/providers/Microsoft.Network/privateDnsZones/seekapa.private.postgres.database.azure.com",
            }
            : new JsonObject { ["publicNetworkAccess"] = "Enabled" };
        var backup = new JsonObject { ["backupRetentionDays"] = 7, ["geoRedundantBackup"] = "Disabled" };
        if (earliest is { } e)
        {
            backup["earliestRestoreDate"] = e.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        return new JsonObject
        {
            ["id"] = ServerPath(group, name),
            ["name"] = name,
            ["type"] = "Microsoft.DBforPostgreSQL/flexibleServers",
            ["location"] = "eastus",
            ["sku"] = new JsonObject { ["name"] = "Standard_D4ds_v5", ["tier"] = "GeneralPurpose" },
            ["properties"] = new JsonObject
            {
                ["fullyQualifiedDomainName"] = name + ".postgres.database.azure.com",
                ["state"] = state,
                ["version"] = "16",
                ["backup"] = backup,
                ["network"] = network,
                ["highAvailability"] = new JsonObject { ["mode"] = "ZoneRedundant", ["state"] = "Healthy" },
            },
        }.ToJsonString();
    }

    public static string ConfigurationPath(string name) => ServerPath("seekapa-rg", "seekapa-postgres") + "/configurations/" + name;

    public static string Configuration(string name, string value, bool dynamic, bool pendingRestart = false, string allowed = "25-5000",
        string dataType = "Integer", bool readOnly = false) => new JsonObject
    {
        ["id"] = ConfigurationPath(name),
        ["name"] = name,
        ["type"] = "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
        ["properties"] = new JsonObject
        {
            ["value"] = value,
            ["defaultValue"] = "859",
            ["dataType"] = dataType,
            ["allowedValues"] = allowed,
            ["source"] = "system-default",
            ["isDynamicConfig"] = dynamic,
            ["isReadOnly"] = readOnly,
            ["isConfigPendingRestart"] = pendingRestart,
            ["unit"] = "",
        },
    }.ToJsonString();

    public static FakeArmAnswer NotFound(string name) => FakeArm.Error(404, "ResourceNotFound",
        $"The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/{name}' under resource group 'seekapa-rg' was not found.");

    public static FakeArmAnswer NameAvailable() => FakeArm.Json(200, """{"nameAvailable":true,"reason":null,"message":null}""");

    public static FakeArmAnswer InProgress() => FakeArm.Json(200, """{"name":"op1","status":"InProgress","startTime":"2025-01-08T10:00:00Z"}""", ("Retry-After", "0"));

    public static FakeArmAnswer Succeeded() => FakeArm.Json(200, """{"name":"op1","status":"Succeeded","startTime":"2025-01-08T10:00:00Z"}""");

    /// <summary>
    /// A restore scene: the source with its backup window starting <paramref name="earliest"/>, a free target name, a PUT
    /// answered 201 + Azure-AsyncOperation, an operation that succeeds on the second poll, and then the new server.
    /// </summary>
    public static FakeArm RestoreScene(DateTimeOffset earliest, string target = "seekapa-postgres-restored", bool privateAccess = true)
    {
        var targetFound = false;
        return new FakeArm()
            .On("GET", ServerPath("seekapa-rg", "seekapa-postgres"), FakeArm.Json(200, Server("seekapa-postgres", earliest, privateAccess)))
            .On("GET", ServerPath("seekapa-rg", target), _ => targetFound
                ? FakeArm.Json(200, Server(target, earliest, privateAccess))
                : NotFound(target))
            .On("POST", CheckNamePath, NameAvailable())
            .On("PUT", ServerPath("seekapa-rg", target), FakeArm.Json(201,
                new JsonObject { ["name"] = target, ["properties"] = new JsonObject { ["state"] = "Provisioning" } }.ToJsonString(),
                ("Azure-AsyncOperation", OperationUrl), ("Retry-After", "0")))
            .On("GET", OperationPath, _ =>
            {
                if (targetFound)
                {
                    return Succeeded();
                }

                targetFound = true;
                return InProgress();
            });
    }
}

/// <summary>
/// Runs Azure cmdlets in a real runspace with a connection over a FakeArm passed as -AzureConnection (no sign-in), and
/// returns every stream, so tests can look at progress, verbose and debug output as well as objects and errors.
/// </summary>
internal sealed class AzureCmdletRunner : IDisposable
{
    private readonly Runspace _runspace;

    public AzureCmdletRunner()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(SeekapaCmdlet).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute attribute)
            {
                state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
            }
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public sealed record Result(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Verbose,
        IReadOnlyList<string> Warnings, IReadOnlyList<string> Debug, IReadOnlyList<ProgressRecord> Progress)
    {
        /// <summary>Everything a user could see, as text: objects, errors (with their exceptions), and every other stream.</summary>
        public string AllText() => string.Join("\n", Output.Select(o => o.ToString() + " " + Describe(o.BaseObject))
            .Concat(Errors.Select(e => $"{e} {e.Exception} {e.ErrorDetails?.Message} {e.ErrorDetails?.RecommendedAction} {e.TargetObject}"))
            .Concat(Verbose).Concat(Warnings).Concat(Debug)
            .Concat(Progress.Select(p => $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}")));

        private static string Describe(object value) => string.Join(" ",
            value.GetType().GetProperties().Select(p => $"{p.Name}={p.GetValue(value)}"));
    }

    public static AzureConnection Connect(FakeArm arm) => arm.Session().Attach(new AzureConnection("tenant-1", FakeArm.Subscription,
        "Seekapa Production", "sre@seekapa.example", AzureAuthMode.AccessToken, "AzureCloud", new Uri("https://management.azure.com/")));

    public Result Run(FakeArm arm, string script) => Invoke($"$PSDefaultParameterValues['*-Seekapa*:AzureConnection'] = $conn\n{script}",
        Connect(arm));

    public Result RunWithoutConnection(string script) => Invoke("$PSDefaultParameterValues.Clear()\n" + script, null);

    public static string ErrorId(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

    private Result Invoke(string script, AzureConnection? connection)
    {
        _runspace.SessionStateProxy.SetVariable("conn", connection);
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = new Collection<PSObject>();
            errors.Add(ex.ErrorRecord);
        }

        errors.InsertRange(0, ps.Streams.Error);
        return new Result(output, errors, ps.Streams.Verbose.Select(v => v.Message).ToArray(), ps.Streams.Warning.Select(w => w.Message).ToArray(),
            ps.Streams.Debug.Select(d => d.Message).ToArray(), ps.Streams.Progress.ToArray());
    }

    public void Dispose() => _runspace.Dispose();
}
