using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.PowerShell.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class SetSeekapaDatabaseEndpointCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    private const string OldHost = "seekapa-postgres.postgres.database.azure.com";
    private const string NewHost = "seekapa-postgres-restored.postgres.database.azure.com";

    // Every character that means something in a URL, plus non-ASCII; stored percent-encoded as a URL needs it.
    private const string Password = "Sup3r@S3cret:/?#;= 'x\"ü€";
    private static readonly string Encoded = Uri.EscapeDataString(Password);

    private static string Url(string host, string password = "") =>
        $"postgresql://seekapa_app:{(password.Length == 0 ? Encoded : password)}@{host}:5432/seekapa?sslmode=require";

    private static string SecretPath(string name) => $"/api/v1/namespaces/{Ns}/secrets/{name}";

    private async Task<string> CreateSecretAsync(string url, string other = "other-value")
    {
        var name = WorkloadSandbox.UniqueName("db");
        await Sandbox.Server.CreateAsync("secrets", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["data"] = new JsonObject
            {
                ["DATABASE_URL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(url)),
                ["OTHER"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(other)),
            },
        });
        return name;
    }

    private async Task<(byte[] Url, byte[] Other, string Version)> ReadSecretAsync(string name)
    {
        var secret = (await Sandbox.Server.GetAsync("secrets", Ns, name))!;
        return (Convert.FromBase64String((string)secret["data"]!["DATABASE_URL"]!),
            Convert.FromBase64String((string)secret["data"]!["OTHER"]!), (string)secret["metadata"]!["resourceVersion"]!);
    }

    private static DatabaseEndpointChange SingleEndpointChange(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<DatabaseEndpointChange>(Assert.Single(result.Output, o => o.BaseObject is DatabaseEndpointChange).BaseObject);
    }

    /// <summary>Everything a user could see: objects (all properties), every stream's records, errors and the host's text.</summary>
    private static string Everything(CmdletHost.Result result, RecordingHost? host = null)
    {
        var text = new StringBuilder(host?.Text);
        foreach (var item in result.Output.Select(o => o.BaseObject).Concat(result.Errors))
        {
            text.AppendLine(item switch
            {
                DatabaseEndpointChange change => JsonSerializer.Serialize(change) + change,
                ErrorRecord error => $"{error} {error.Exception} {error.ErrorDetails?.Message} {error.ErrorDetails?.RecommendedAction} {error.TargetObject}",
                InformationalRecord record => record.Message,
                InformationRecord information => information.MessageData?.ToString(),
                _ => item?.ToString(),
            });
        }

        return text.ToString();
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Encoded, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r", text, StringComparison.Ordinal);
        Assert.DoesNotContain("postgresql://", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheHostOfTheKeyChangesAndTheChangeIsRecordedWithHostsOnly()
    {
        var name = await CreateSecretAsync(Url(OldHost));
        var before = await ReadSecretAsync(name);
        var patches = Sandbox.CountRequests(SecretPath(name), "PATCH");

        var result = Run($"Set-SeekapaDatabaseEndpoint -Server {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc -Confirm:$false -Verbose 4>&1");

        var change = SingleEndpointChange(result);
        Assert.Equal((DatabaseEndpointOutcome.Updated, OldHost, NewHost), (change.Outcome, change.OldHost, change.NewHost));
        Assert.Equal((5432, 5432, "seekapa", "seekapa"), (change.OldPort, change.NewPort, change.OldDatabase, change.NewDatabase));
        Assert.Equal((Ns, name, "DATABASE_URL", ConnectionStringFormat.Url), (change.Namespace, change.Secret, change.Key, change.Format));
        var after = await ReadSecretAsync(name);
        Assert.Equal(Encoding.UTF8.GetBytes(Url(NewHost)), after.Url);
        Assert.Equal(before.Other, after.Other);
        Assert.Equal(after.Version, change.ResourceVersion);
        Assert.Equal(1, patches.Hits);
        // RecordChange mirrors the timeline entry to Verbose: hosts only.
        Assert.Contains(result.Output, o => o.BaseObject is VerboseRecord v &&
            v.Message == $"SetDatabaseEndpoint {Ns}/secret/{name}[DATABASE_URL]: Updated ({OldHost} -> {NewHost})");
        AssertNoSecret(Everything(result));
    }

    [Fact]
    public async Task AnAzureServerObjectBindsThroughFullyQualifiedDomainName()
    {
        var result = Run($$"""
            [pscustomobject]@{ Name = 'seekapa-postgres-restored'; ResourceGroupName = 'seekapa-rg'; State = 'Ready'; FullyQualifiedDomainName = '{{NewHost}}' } |
                Set-SeekapaDatabaseEndpoint -Namespace {{Ns}} -Secret backend-db -Key DATABASE_URL -Kubeconfig $kc -Confirm:$false
            """);

        var change = SingleEndpointChange(result);
        Assert.Equal(("backend-db", OldHost, NewHost), (change.Secret, change.OldHost, change.NewHost));
        var secret = (await Sandbox.Server.GetAsync("secrets", Ns, "backend-db"))!;
        Assert.Equal($"postgresql://seekapa_app:Xk9%23mQ2%24vL7%40pR4@{NewHost}:5432/seekapa?sslmode=require",
            Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["DATABASE_URL"]!)));
        // The other key of the seeded Secret names the same server and is left alone.
        Assert.Contains(OldHost, Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["DATABASE_READONLY_URL"]!)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIfShowsOldAndNewHostOnlyAndSendsNoWrite()
    {
        var name = await CreateSecretAsync(Url(OldHost));
        var before = await ReadSecretAsync(name);
        var writes = Sandbox.CountRequests(SecretPath(name), "PATCH");
        using var host = new RecordingHost();

        var result = host.Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Database restored -Namespace {Ns} -Secret {name} -Kubeconfig $kc -WhatIf", Sandbox.Kubeconfig);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(0, writes.Hits);
        Assert.Equal(before.Version, (await ReadSecretAsync(name)).Version);
        Assert.Contains($"What if: Performing the operation \"Point at host {OldHost} -> {NewHost}, database seekapa -> restored\" on target \"Secret {Ns}/{name} key DATABASE_URL\".",
            host.Text, StringComparison.Ordinal);
        AssertNoSecret(host.Text);
    }

    [Fact]
    public async Task AHostAlreadyPointingThereIsUnchangedAndSendsNothing()
    {
        var name = await CreateSecretAsync(Url(NewHost.ToUpperInvariant()));
        var before = await ReadSecretAsync(name);
        var writes = Sandbox.CountRequests(SecretPath(name), "PATCH");

        // No -Confirm:$false: nothing is to be changed, so nothing is asked either.
        var change = SingleEndpointChange(Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc"));

        Assert.Equal(DatabaseEndpointOutcome.Unchanged, change.Outcome);
        Assert.Equal(0, writes.Hits);
        Assert.Equal(before.Version, (await ReadSecretAsync(name)).Version);
    }

    [Fact]
    public async Task DecliningTheConfirmationSendsNoWrite()
    {
        var name = await CreateSecretAsync(Url(OldHost));
        var before = await ReadSecretAsync(name);
        using var host = new RecordingHost(onConfirm: () => RecordingHost.No);

        var result = host.Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc", Sandbox.Kubeconfig);

        Assert.Empty(result.Output);
        Assert.Equal(1, host.Prompts);
        Assert.Equal(before.Version, (await ReadSecretAsync(name)).Version);
        AssertNoSecret(host.Text);
    }

    [Fact]
    public async Task APasswordRotatedWhileConfirmingIsKeptAndTheHostStillMoves()
    {
        var name = await CreateSecretAsync(Url(OldHost));
        var writes = Sandbox.CountRequests(SecretPath(name), "PATCH");
        using var host = new RecordingHost(onConfirm: () =>
        {
            RotatePassword(name, Url(OldHost, "rotated-meanwhile"));
            return RecordingHost.Yes;
        });

        var change = SingleEndpointChange(host.Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc", Sandbox.Kubeconfig));

        Assert.Equal(DatabaseEndpointOutcome.Updated, change.Outcome);
        Assert.Equal(Encoding.UTF8.GetBytes(Url(NewHost, "rotated-meanwhile")), (await ReadSecretAsync(name)).Url);
        // The first patch's test of the old value failed; the second, from a fresh read, landed.
        Assert.Equal(2, writes.Hits);
    }

    [Fact]
    public async Task AHostChangedWhileConfirmingIsNotOverwritten()
    {
        var name = await CreateSecretAsync(Url(OldHost));
        using var host = new RecordingHost(onConfirm: () =>
        {
            RotatePassword(name, Url("someone-else.example.com"));
            return RecordingHost.Yes;
        });

        var result = host.Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc -Verbose 4>&1", Sandbox.Kubeconfig);

        var error = SingleError(result, "SecretChanged");
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.DoesNotContain(result.Output, o => o.BaseObject is DatabaseEndpointChange);
        Assert.DoesNotContain(result.Output, o => o.BaseObject is VerboseRecord v && v.Message.StartsWith("SetDatabaseEndpoint", StringComparison.Ordinal));
        Assert.Equal(Encoding.UTF8.GetBytes(Url("someone-else.example.com")), (await ReadSecretAsync(name)).Url);
        AssertNoSecret(Everything(result, host));
    }

    [Fact]
    public async Task RestartWaitRollsOutANewRevisionAndNothingSecretReachesAnyStream()
    {
        var deployment = WorkloadSandbox.UniqueName("backend");
        await Sandbox.CreateSettledBackendAsync(deployment, replicas: 2);
        var name = await CreateSecretAsync(Url(OldHost));

        var result = Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Restart {deployment} -Wait -Timeout 60 -Kubeconfig $kc -Confirm:$false -Verbose -Debug *>&1");

        var change = SingleEndpointChange(result);
        Assert.Equal($"deployment/{deployment}", change.RestartedWorkload);
        Assert.NotNull(change.Rollout);
        Assert.True(change.Rollout!.Complete, change.Rollout.Message);
        Assert.Equal(2, change.Rollout.Revision);
        var stored = await Sandbox.GetDeploymentAsync(deployment);
        Assert.Equal("2", (string?)stored["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        Assert.NotNull(stored["spec"]!["template"]!["metadata"]!["annotations"]?["kubectl.kubernetes.io/restartedAt"]);
        Assert.Equal(Encoding.UTF8.GetBytes(Url(NewHost)), (await ReadSecretAsync(name)).Url);
        var verbose = result.Output.Select(o => o.BaseObject).OfType<VerboseRecord>().Select(v => v.Message).ToList();
        Assert.Contains(verbose, v => v.StartsWith($"Restart {Ns}/deployment/{deployment}: Changed", StringComparison.Ordinal));
        Assert.Contains(verbose, v => v == $"deployment \"{deployment}\" successfully rolled out");
        AssertNoSecret(Everything(result));
    }

    [Fact]
    public async Task AWorkloadThatCannotBeRestartedFailsBeforeTheSecretIsTouched()
    {
        var paused = WorkloadSandbox.UniqueName("paused");
        await Sandbox.CreateSettledBackendAsync(paused, paused: true);
        var name = await CreateSecretAsync(Url(OldHost));
        var before = await ReadSecretAsync(name);
        var writes = Sandbox.CountRequests(SecretPath(name), "PATCH");

        SingleError(Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Restart no-such-deployment -Kubeconfig $kc -Confirm:$false"), "DeploymentNotFound");
        SingleError(Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Restart {paused} -Kubeconfig $kc -Confirm:$false"), "DeploymentPaused");

        Assert.Equal(0, writes.Hits);
        Assert.Equal(before.Version, (await ReadSecretAsync(name)).Version);
    }

    [Fact]
    public async Task AMissingSecretOrKeyIsNamedAndNoValueIsShown()
    {
        var name = await CreateSecretAsync(Url(OldHost), other: "other-value");

        var missing = SingleError(Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret no-such-secret -Kubeconfig $kc -Confirm:$false"), "SecretNotFound");
        var key = SingleError(Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Key DB_URL -Kubeconfig $kc -Confirm:$false"), "SecretKeyNotFound");

        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.Contains("its keys are: DATABASE_URL, OTHER.", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("other-value", key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownFormatIsAnErrorThatNeverShowsTheValueAndNothingIsWritten()
    {
        var name = await CreateSecretAsync("Sup3rSecret-token-not-a-connection-string");
        var before = await ReadSecretAsync(name);

        var result = Run($"Set-SeekapaDatabaseEndpoint {NewHost} -Namespace {Ns} -Secret {name} -Kubeconfig $kc -Confirm:$false");

        var error = SingleError(result, "UnsupportedConnectionString");
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.DoesNotContain("Sup3rSecret", Everything(result), StringComparison.Ordinal);
        Assert.Equal(before.Version, (await ReadSecretAsync(name)).Version);
    }

    [Theory]
    [InlineData("-Server 'app:pw@evil.example.com'", "InvalidServer")]
    [InlineData("-Server 'db.example.com/other'", "InvalidServer")]
    [InlineData("-Server db.example.com -Key 'bad key'", "InvalidSecretKey")]
    [InlineData("-Server db.example.com -Database ''", "ParameterArgumentValidationError")]
    [InlineData("-Server db.example.com -Port 0", "ParameterArgumentValidationError")]
    [InlineData("-Server db.example.com -Restart 'Not_A_Name'", "InvalidName")]
    public async Task InvalidInputSendsNoRequestAtAll(string parameters, string errorId)
    {
        var name = await CreateSecretAsync(Url(OldHost));
        var requests = Sandbox.CountRequests(SecretPath(name));

        var error = Assert.Single(Run($"Set-SeekapaDatabaseEndpoint {parameters} -Namespace {Ns} -Secret {name} -Kubeconfig $kc -Confirm:$false").Errors);

        Assert.StartsWith(errorId, error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(0, requests.Hits);
    }

    private void RotatePassword(string name, string url) =>
        Sandbox.Server.PatchAsync("secrets", Ns, name, "merge",
            new JsonObject { ["stringData"] = new JsonObject { ["DATABASE_URL"] = url } }.ToJsonString()).GetAwaiter().GetResult();

    /// <summary>
    /// A runspace whose host records what is written to it (the What-if lines) and answers -Confirm prompts through a
    /// callback, which runs between the cmdlet's read and its write: the window a concurrent change really hits.
    /// </summary>
    private sealed class RecordingHost : PSHost, IDisposable
    {
        public const int Yes = 0;
        public const int No = 2;

        private readonly RecordingUserInterface _ui;
        private readonly Runspace _runspace;

        public RecordingHost(Func<int>? onConfirm = null)
        {
            _ui = new RecordingUserInterface(onConfirm);
            var state = InitialSessionState.CreateDefault2();
            foreach (var type in typeof(SeekapaCmdlet).Assembly.GetTypes())
            {
                if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute attribute)
                {
                    state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
                }
            }

            _runspace = RunspaceFactory.CreateRunspace(this, state);
            _runspace.Open();
        }

        public string Text => _ui.Text.ToString();

        public int Prompts => _ui.Prompts;

        public override string Name => "RecordingHost";
        public override Version Version { get; } = new(1, 0);
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

        public CmdletHost.Result Run(string script, string kubeconfig)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            _runspace.SessionStateProxy.SetVariable("kc", kubeconfig);
            ps.AddScript(script);
            try
            {
                var output = ps.Invoke();
                return new CmdletHost.Result(output, ps.Streams.Error.ToList());
            }
            catch (RuntimeException ex)
            {
                return new CmdletHost.Result(new System.Collections.ObjectModel.Collection<PSObject>(), [ex.ErrorRecord]);
            }
        }

        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode)
        {
        }

        public void Dispose() => _runspace.Dispose();
    }

    private sealed class RecordingUserInterface(Func<int>? onConfirm) : PSHostUserInterface
    {
        public StringBuilder Text { get; } = new();

        public int Prompts { get; private set; }

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts++;
            Text.AppendLine(caption).AppendLine(message);
            return onConfirm?.Invoke() ?? throw new InvalidOperationException("unexpected prompt: " + message);
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            throw new InvalidOperationException("unexpected prompt: " + message);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new InvalidOperationException("unexpected prompt");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new InvalidOperationException("unexpected prompt");

        public override string ReadLine() => throw new InvalidOperationException("unexpected read");
        public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("unexpected read");
        public override void Write(string value) => Text.Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Text.Append(value);
        public override void WriteLine(string value) => Text.AppendLine(value);
        public override void WriteErrorLine(string value) => Text.AppendLine(value);
        public override void WriteDebugLine(string message) => Text.AppendLine(message);
        public override void WriteVerboseLine(string message) => Text.AppendLine(message);
        public override void WriteWarningLine(string message) => Text.AppendLine(message);
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }
    }
}
