using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.PowerShell.Cmdlets.Azure;
using RunspaceState = Seekapa.Ops.PowerShell.Infrastructure.RunspaceState;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>
/// The Azure cmdlets in a real runspace against the sandbox's fake Resource Manager over HTTPS (its CA trusted through
/// the test hook), and against FakeArm where a test must see that nothing was sent.
/// </summary>
public sealed class AzureCmdletTests(UnhealthySandbox sandbox) : IClassFixture<UnhealthySandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    public void Dispose() => _host.Dispose();

    private string Token => sandbox.Server.AdminToken;

    private Runspace Runspace => (Runspace)_host.Invoke("[runspace]::DefaultRunspace").Output.Single().BaseObject;

    private void UseSandbox(Func<CredentialCandidate, CredentialCandidate>? candidates = null) =>
        ConnectSeekapaAzureCommand.SetTestHooks(Runspace, new ConnectSeekapaAzureCommand.TestHooks(SandboxArm.Transport(sandbox.Server), candidates));

    private CmdletHost.Result Run(string script) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["url"] = sandbox.Server.BaseAddress,
        ["token"] = Token,
    });

    private RunspaceState StateOfHost()
    {
        var previous = Runspace.DefaultRunspace;
        Runspace.DefaultRunspace = Runspace;
        try
        {
            return RunspaceState.Current;
        }
        finally
        {
            Runspace.DefaultRunspace = previous;
        }
    }

    /// <summary>Everything a user could see: every stream, errors and the output objects with their properties.</summary>
    private static string Everything(CmdletHost.Result result) => string.Join("\n",
        result.Output.Select(o => o.BaseObject is string s ? s : o + " " + string.Join(" ", o.Properties.Select(p => $"{p.Name}={SafeValue(p)}")))
            .Concat(result.Errors.Select(e => $"{e} {e.ErrorDetails?.Message} {e.ErrorDetails?.RecommendedAction} {e.Exception}")));

    private static string? SafeValue(PSPropertyInfo p)
    {
        try
        {
            return p.Value?.ToString();
        }
        catch (GetValueInvocationException)
        {
            return null;
        }
    }

    [Fact]
    public void AnAccessTokenConnectsWarnsThatItIsNotRefreshedAndIsNeverShown()
    {
        UseSandbox();

        var result = Run("Connect-SeekapaAzure -ResourceManagerUrl $url -AccessToken $token -Verbose -Debug -WarningAction Continue *>&1");

        var connection = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<AzureConnection>());
        Assert.Equal(("00000000-0000-0000-0000-00000000cafe", "Seekapa Sandbox", AzureAuthMode.AccessToken, "Custom"),
            (connection.SubscriptionId, connection.SubscriptionName, connection.Mode, connection.Environment));
        Assert.Equal("00000000-0000-0000-0000-0000000000aa", connection.TenantId); // an opaque token: the subscription's tenant
        Assert.Contains(result.Output.Select(o => o.BaseObject), o => o is WarningRecord w && w.Message.Contains("not refreshed"));
        Assert.Contains(result.Output.Select(o => o.BaseObject), o => o is VerboseRecord v && v.Message.Contains("Signed in with AccessToken"));
        Assert.DoesNotContain(Token, Everything(result));
        Assert.Same(connection, StateOfHost().DefaultAzure);
        Assert.Null(StateOfHost().Actor); // an opaque token names nobody
    }

    [Fact]
    public void AJwtNamesTheAccountWhichBecomesTheIncidentActor()
    {
        var arm = new FakeArm().On("GET", "/subscriptions/" + FakeArm.Subscription, FakeArm.Json(200,
            """{"subscriptionId":"00000000-0000-0000-0000-00000000cafe","tenantId":"t","displayName":"Prod","state":"Warned"}"""));
        ConnectSeekapaAzureCommand.SetTestHooks(Runspace, new ConnectSeekapaAzureCommand.TestHooks(options =>
            options.Transport = new global::Azure.Core.Pipeline.HttpClientTransport(new HttpClient(arm, disposeHandler: false))));
        var jwt = TestJwt.User("oncall@seekapa.example", "tenant-1");

        var result = _host.Invoke("Connect-SeekapaAzure -AccessToken $jwt -Subscription $sub -Verbose -Debug -WarningAction Continue *>&1",
            new Dictionary<string, object?> { ["jwt"] = new System.Net.NetworkCredential(string.Empty, jwt).SecurePassword, ["sub"] = FakeArm.Subscription });

        var connection = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<AzureConnection>());
        Assert.Equal(("oncall@seekapa.example", "tenant-1"), (connection.Account, connection.TenantId));
        Assert.Equal("oncall@seekapa.example", StateOfHost().Actor);
        Assert.Contains(result.Output.Select(o => o.BaseObject), o => o is WarningRecord w && w.Message.Contains("is Warned"));
        Assert.DoesNotContain(jwt, Everything(result));
        Assert.DoesNotContain(jwt.Split('.')[1], Everything(result));
    }

    [Fact]
    public void TheDefaultChainInAnUnattendedSessionNeverPromptsAndPointsToIdentity()
    {
        var tried = new List<AzureAuthMode>();
        UseSandbox(c => c with
        {
            Create = () =>
            {
                tried.Add(c.Mode);
                return CredentialCandidate.Availability.Unavailable($"{c.Mode} is not signed in");
            },
        });

        var result = Run("Connect-SeekapaAzure -ResourceManagerUrl $url");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("AzureAuthenticationFailed", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("-Identity", error.ErrorDetails.RecommendedAction);
        Assert.Equal(new[] { AzureAuthMode.AzureCli, AzureAuthMode.AzurePowerShell }, tried); // no browser, no device code
        Assert.Null(StateOfHost().DefaultAzure);
    }

    [Fact]
    public void IdentityUsesTheManagedIdentityAndReportsTheApplication()
    {
        var names = new List<string>();
        var appToken = TestJwt.Create(new JsonObject { ["tid"] = "t", ["appid"] = "mi-client-id", ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        UseSandbox(c =>
        {
            names.Add(c.Name);
            // The sandbox accepts only its admin token: the managed identity "returns" it, with the claims of an app.
            return c with { Create = () => CredentialCandidate.Availability.Of(new ClaimsThenToken(appToken, Token)) };
        });

        var result = Run("Connect-SeekapaAzure -Identity -ClientId mi-client-id -ResourceManagerUrl $url");

        var connection = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<AzureConnection>());
        Assert.Equal((AzureAuthMode.ManagedIdentity, "mi-client-id"), (connection.Mode, connection.Account));
        Assert.Equal(new[] { "managed identity (client id mi-client-id)" }, names);
    }

    [Fact]
    public void AnAzPowerShellSessionIsReusedForResourceManagerAndForTheCluster()
    {
        UseSandbox(c => c.Mode == AzureAuthMode.AzureCli ? c with { Create = () => CredentialCandidate.Availability.Unavailable("az is not installed") } : c);

        var result = Run("""
            $global:askedFor = [System.Collections.Generic.List[string]]::new()
            $global:azToken = $token
            New-Module -Name Az.Accounts -ScriptBlock {
                function Get-AzAccessToken { param($ResourceUrl, $TenantId)
                    $global:askedFor.Add($ResourceUrl)
                    [pscustomobject]@{ Token = [System.Net.NetworkCredential]::new('', $global:azToken).SecurePassword; ExpiresOn = [DateTimeOffset]::UtcNow.AddHours(1); UserId = 'az-user' }
                }
                Export-ModuleMember -Function Get-AzAccessToken
            } | Import-Module
            $c = Connect-SeekapaAzure -ResourceManagerUrl $url -Verbose *>&1
            $k = Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -Verbose *>&1
            $pods = @(Get-SeekapaPodHealth -AllNamespaces)
            $c; $k; "pods=$($pods.Count)"; $global:askedFor
            """);

        Assert.Empty(result.Errors);
        var connection = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<AzureConnection>());
        Assert.Equal(AzureAuthMode.AzurePowerShell, connection.Mode);
        Assert.Single(result.Output.Select(o => o.BaseObject).OfType<ClusterConnection>());
        var strings = result.Output.Select(o => o.BaseObject).OfType<string>().ToList();
        Assert.Contains(strings, s => s.StartsWith("pods=", StringComparison.Ordinal) && s != "pods=0");
        Assert.Contains(sandbox.Server.BaseAddress.GetLeftPart(UriPartial.Authority), strings); // the ARM resource: the -ResourceManagerUrl
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630", strings);
        Assert.DoesNotContain(Token, Everything(result));
    }

    [Fact]
    public void ClustersAreListedFilteredAndAMissingNameIsANonTerminatingError()
    {
        UseSandbox();

        var result = Run("""
            $null = Connect-SeekapaAzure -ResourceManagerUrl $url -AccessToken $token
            Get-SeekapaAksCluster -Name 'seekapa-aks-*', 'no-such-cluster'
            Get-SeekapaAksCluster seekapa-rg seekapa-aks-prod
            """);

        var clusters = result.Output.Select(o => o.BaseObject).OfType<AksCluster>().ToList();
        Assert.Equal(new[] { "seekapa-aks-prod", "seekapa-aks-staging", "seekapa-aks-prod" }, clusters.Select(c => c.Name));
        Assert.Equal(new[] { "systempool", "userpool" }, clusters[2].NodePools.Select(p => p.Name));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("AksClusterNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void AnAksClusterConnectsWithoutKubeloginAndAdminIsRefusedWhereLocalAccountsAreOff()
    {
        UseSandbox();
        var saved = Path.Combine(Path.GetTempPath(), $"seekapa-az1-{Guid.NewGuid():N}.kubeconfig");
        try
        {
            var result = Run($$"""
                $null = Connect-SeekapaAzure -ResourceManagerUrl $url -AccessToken $token
                $prod = Get-SeekapaAksCluster seekapa-rg seekapa-aks-prod | Connect-SeekapaCluster -Namespace seekapa-production -AccessToken $token -Verbose -Debug -WarningAction Continue *>&1
                $pods = @(Get-SeekapaPodHealth)
                $prod; "pods=$($pods.Count)"
                Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -Admin
                Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-staging -Admin -KubeconfigPath '{{saved}}'
                """);

            var connections = result.Output.Select(o => o.BaseObject).OfType<ClusterConnection>().ToList();
            Assert.Equal(new[] { "seekapa-aks-prod", "seekapa-aks-staging-admin" }, connections.Select(c => c.Context));
            Assert.Equal(("seekapa-production", null), (connections[0].Namespace, connections[0].KubeconfigPath));
            Assert.Equal(saved, connections[1].KubeconfigPath);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved));
            }
            Assert.Contains(result.Output.Select(o => o.BaseObject).OfType<string>(), s => s.StartsWith("pods=", StringComparison.Ordinal) && s != "pods=0");
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("LocalAccountsDisabled,", error.FullyQualifiedErrorId);
            Assert.Contains("disable local accounts", error.ErrorDetails.Message);
            Assert.DoesNotContain(Token, Everything(result));
        }
        finally
        {
            File.Delete(saved);
        }
    }

    [Fact]
    public void AResourceManagerAccessTokenIsNeverSentToAnEntraClusterWhichTakesItsOwnToken()
    {
        // Review finding 9: Connect-SeekapaAzure -AccessToken used to sign the AKS API server's requests with the ARM token.
        UseSandbox();
        var refused = Run("""
            $null = Connect-SeekapaAzure -ResourceManagerUrl $url -AccessToken $token
            Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod
            """);

        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("AksTokenRequired,", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-SeekapaCluster -ResourceGroupName ... -ClusterName ... -AccessToken", error.ErrorDetails.RecommendedAction);
        Assert.Empty(refused.Output.Select(o => o.BaseObject).OfType<ClusterConnection>());
        Assert.Null(StateOfHost().DefaultCluster);
        Assert.DoesNotContain(Token, Everything(refused));

        var armToken = TestJwt.User(); // aud https://management.azure.com/: not for the cluster either
        var wrongAudience = Run($"Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -AccessToken '{armToken}'");
        Assert.StartsWith("AksTokenAudienceInvalid,", Assert.Single(wrongAudience.Errors).FullyQualifiedErrorId);
        Assert.Null(StateOfHost().DefaultCluster);

        var connected = Run("""
            Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -AccessToken $token -Namespace seekapa-production
            "pods=$(@(Get-SeekapaPodHealth).Count)"
            """);
        Assert.True(connected.Errors.Count == 0, string.Join("\n", connected.Errors));
        Assert.Equal("seekapa-aks-prod", Assert.Single(connected.Output.Select(o => o.BaseObject).OfType<ClusterConnection>()).Context);
        Assert.Contains(connected.Output.Select(o => o.BaseObject).OfType<string>(), s => s.StartsWith("pods=", StringComparison.Ordinal) && s != "pods=0");
    }

    [Fact]
    public void MetricsStreamPerTimeStampAndAFailingMetricDoesNotStopTheOthers()
    {
        UseSandbox();

        var result = Run("""
            $null = Connect-SeekapaAzure -ResourceManagerUrl $url -AccessToken $token
            $end = [DateTimeOffset]'2025-03-01T10:00:00Z'
            Get-SeekapaAzureMetric -AksCluster seekapa-aks-prod -ResourceGroupName seekapa-rg -Metric apiserver_current_inflight_requests, node_cpu_usage_percentage -Interval 00:01:00 -StartTime $end.AddMinutes(-5) -EndTime $end -Verbose -Debug -WarningAction Continue
            Get-SeekapaAksCluster seekapa-rg seekapa-aks-prod | Get-SeekapaAzureMetric -Metric node_memory_working_set_percentage -Interval 5m -StartTime $end.AddMinutes(-15) -EndTime $end
            Get-SeekapaAzureMetric -AppInsights seekapa-bi-insights -ResourceGroupName seekapa-rg -Metric requests/failed -Interval 5m -StartTime $end.AddMinutes(-30) -EndTime $end
            """);

        var points = result.Output.Select(o => o.BaseObject).OfType<MetricPoint>().ToList();
        var cpu = points.Where(p => p.Metric == "node_cpu_usage_percentage").ToList();
        Assert.Equal(5, cpu.Count);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 55, 0, TimeSpan.Zero), cpu[0].TimeStamp);
        Assert.All(cpu.Take(4), p => Assert.NotNull(p.Average));
        Assert.False(cpu[4].HasData);
        Assert.Equal(3, points.Count(p => p.Metric == "node_memory_working_set_percentage" && p.Interval == TimeSpan.FromMinutes(5)));
        var failed = points.Where(p => p.Metric == "requests/failed").ToList();
        Assert.Equal(6, failed.Count);
        Assert.All(failed.Take(5), p => Assert.True(p.Count is not null && p.Average is null));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MetricUnavailable,", error.FullyQualifiedErrorId);
        Assert.Contains("apiserver_current_inflight_requests", error.ErrorDetails.Message);
    }

    [Theory]
    [InlineData("-ResourceGroupName rg1 -Metric x -Since 1h -StartTime '2025-01-01'", "InvalidTimeRange")]
    [InlineData("-ResourceGroupName rg1 -Metric x -Interval 2m", "InvalidInterval")]
    [InlineData("-ResourceGroupName 'a/b' -Metric x", "InvalidResourceGroupName")]
    public void BadMetricQueriesAreRefusedBeforeAnyRequest(string arguments, string errorId)
    {
        var arm = new FakeArm();
        var connection = arm.Session().Attach(new AzureConnection("t", FakeArm.Subscription, null, "a", AzureAuthMode.AccessToken, "AzureCloud",
            new Uri("https://management.azure.com/")));

        var result = _host.Invoke($"Get-SeekapaAzureMetric -AksCluster aks1 -AzureConnection $c {arguments}",
            new Dictionary<string, object?> { ["c"] = connection });

        Assert.Equal(errorId, Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public void WithoutAConnectionTheAzureCmdletsSayHowToConnect()
    {
        var result = _host.Invoke("Get-SeekapaAksCluster");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("AzureNotConnected,", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-SeekapaAzure", error.ErrorDetails.RecommendedAction);
    }

    /// <summary>Answers the Resource Manager sign-in with a token whose claims name an application, then the sandbox's token.</summary>
    private sealed class ClaimsThenToken(string withClaims, string accepted) : global::Azure.Core.TokenCredential
    {
        private int _calls;

        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Interlocked.Increment(ref _calls) == 1 ? withClaims : accepted, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
