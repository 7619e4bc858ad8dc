using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Secrets;

/// <summary>
/// A planned (or landed) repointing of one Secret key. The stored values are internal: they hold the credentials, and
/// <see cref="ToString"/> shows endpoints only.
/// </summary>
public sealed record DatabaseEndpointPlan
{
    public required string Namespace { get; init; }
    public required string Secret { get; init; }
    public required string Key { get; init; }
    public required ConnectionStringFormat Format { get; init; }
    public required DatabaseEndpoint Old { get; init; }
    public required DatabaseEndpoint New { get; init; }

    /// <summary>False when the key already named the target: nothing is (or was) written.</summary>
    public required bool Changed { get; init; }

    /// <summary>The Secret's resourceVersion as read, or as written once applied.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The key's value as read (base64, as stored): the precondition of the write.</summary>
    internal string OldData { get; init; } = string.Empty;

    /// <summary>The rewritten value (base64).</summary>
    internal string NewData { get; init; } = string.Empty;

    /// <summary>"host a -> b, port 5432 -> 6432": what changes, for -WhatIf and -Confirm.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"host {Old.Host} -> {New.Host}" };
        if (Old.Port != New.Port)
        {
            parts.Add($"port {Old.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<default>"} -> {New.Port}");
        }

        if (Old.Database != New.Database)
        {
            parts.Add($"database {Old.Database ?? "<default>"} -> {New.Database}");
        }

        return string.Join(", ", parts);
    }

    public override string ToString() => $"secret/{Secret} {Key} in {Namespace}: {Describe()}";
}

/// <summary>
/// Points the connection string in one Secret key at another server: read the Secret, rewrite the value in memory
/// (<see cref="ConnectionStringRewriter"/>), then one JSON patch of that key alone, guarded by a test of its old value so
/// that a concurrent change is never overwritten. Nothing is sent when the value already names the target.
/// </summary>
public sealed partial class DatabaseEndpointUpdater(ClusterSession session)
{
    public const string DefaultKey = "DATABASE_URL";

    private const string TestFailed = "SecretKeyTestFailed";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    /// <summary>Secret keys are config keys; a bad one fails before any call (InvalidSecretKey).</summary>
    public static void ValidateKey(string key)
    {
        if (key.Length is 0 or > 253 || !ConfigKey().IsMatch(key))
        {
            throw new SeekapaException("InvalidSecretKey", FailureCategory.InvalidArgument,
                $"'{key}' is not a Secret key: letters, digits, '-', '_' or '.', at most 253 characters.", key);
        }
    }

    /// <summary>
    /// Reads the Secret and plans the rewrite. Errors: SecretNotFound, SecretKeyNotFound (naming the keys present),
    /// SecretImmutable, UnsupportedConnectionString, and the cluster errors of <see cref="KubernetesErrors"/>.
    /// </summary>
    public async Task<DatabaseEndpointPlan> PlanAsync(string ns, string secret, string key, EndpointTarget target, CancellationToken ct)
    {
        ResourceNames.ValidateNamespace(ns);
        ResourceNames.ValidateName(secret, "Secret");
        ValidateKey(key);
        return Plan(await ReadAsync(ns, secret, ct).ConfigureAwait(false), ns, secret, key, target);
    }

    /// <summary>
    /// Writes a changed plan. When the key changed since it was read (the test fails), the Secret is read again: if the
    /// key still names the server the plan started from (say, only the password was rotated), the rewrite is redone on
    /// the new value and written; if someone pointed it elsewhere, SecretChanged and nothing is written; if someone already
    /// pointed it at the target, the result is Unchanged.
    /// </summary>
    public async Task<DatabaseEndpointPlan> ApplyAsync(DatabaseEndpointPlan plan, EndpointTarget target, CancellationToken ct)
    {
        var attempt = plan;
        for (var i = 1; ; i++)
        {
            if (!attempt.Changed)
            {
                return attempt;
            }

            try
            {
                var written = await PatchAsync(attempt, ct).ConfigureAwait(false);
                return attempt with { ResourceVersion = written.Metadata?.ResourceVersion };
            }
            catch (SeekapaException ex) when (ex.ErrorId == TestFailed)
            {
                var again = Plan(await ReadAsync(plan.Namespace, plan.Secret, ct).ConfigureAwait(false), plan.Namespace, plan.Secret, plan.Key, target);
                if (again.OldData == attempt.OldData)
                {
                    // The value is as we tested it, so the 422 was about something else: report the server's words.
                    throw new SeekapaException("InvalidRequest", FailureCategory.InvalidArgument, ex.Message, Target(plan));
                }

                if (again.Changed && (!again.Old.SameAs(plan.Old) || i >= WorkloadClient.ConflictAttempts))
                {
                    throw new SeekapaException("SecretChanged", FailureCategory.ResourceExists,
                        $"Key {plan.Key} of Secret {plan.Namespace}/{plan.Secret} was changed by someone else while this ran: it was {plan.Old}, it is now {again.Old}. Nothing was written.",
                        Target(plan), $"Check who changed it, then run the command again to point it at {again.New}.");
                }

                attempt = again;
            }
        }
    }

    private static string Target(DatabaseEndpointPlan plan) => $"{plan.Namespace}/{plan.Secret}";

    private Task<V1Secret> ReadAsync(string ns, string secret, CancellationToken ct) =>
        KubernetesErrors.Guard(session, "get", "secrets", ns, secret,
            () => session.Client.CoreV1.ReadNamespacedSecretAsync(secret, ns, cancellationToken: ct),
            (status, _) => status == HttpStatusCode.NotFound ? NotFound(ns, secret) : null);

    private Task<V1Secret> PatchAsync(DatabaseEndpointPlan plan, CancellationToken ct)
    {
        // RFC 6901: '~' and '/' are escaped in a JSON pointer (config keys allow neither today; the escape is cheap).
        var path = "/data/" + plan.Key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        var document = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = path, ["value"] = plan.OldData },
            new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = plan.NewData });
        var patch = new V1Patch(document.ToJsonString(), V1Patch.PatchType.JsonPatch);
        return KubernetesErrors.Guard(session, "patch", "secrets", plan.Namespace, plan.Secret,
            () => session.Client.CoreV1.PatchNamespacedSecretAsync(patch, plan.Secret, plan.Namespace, cancellationToken: ct),
            (status, message) => status switch
            {
                HttpStatusCode.NotFound => NotFound(plan.Namespace, plan.Secret),
                // A JSON patch whose test fails is answered 422 with a generic message (no field causes).
                HttpStatusCode.UnprocessableEntity => new SeekapaException(TestFailed, FailureCategory.InvalidArgument,
                    $"The API server refused to patch secrets in namespace '{plan.Namespace}': {message}", Target(plan)),
                _ => null,
            });
    }

    private static DatabaseEndpointPlan Plan(V1Secret secret, string ns, string name, string key, EndpointTarget target)
    {
        var subject = $"Key {key} of Secret {ns}/{name}";
        if (secret.Data is null || !secret.Data.TryGetValue(key, out var bytes))
        {
            var keys = secret.Data?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
            throw new SeekapaException("SecretKeyNotFound", FailureCategory.ObjectNotFound,
                $"Secret {ns}/{name} has no key '{key}'; " +
                (keys.Count == 0 ? "it has no keys." : $"its keys are: {string.Join(", ", keys)}."),
                $"{ns}/{name}", "Name the key that holds the connection string with -Key.");
        }

        if (secret.Immutable == true)
        {
            throw new SeekapaException("SecretImmutable", FailureCategory.InvalidOperation,
                $"Secret {ns}/{name} is immutable (immutable: true): its data cannot be changed.", $"{ns}/{name}",
                "Create a new Secret with the new value and point the workload at it (Set-SeekapaContainerEnv -FromSecret).");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes ?? []);
        }
        catch (DecoderFallbackException)
        {
            throw new SeekapaException(ConnectionStringRewriter.ErrorId, FailureCategory.InvalidData,
                $"{subject} is not UTF-8 text, so it is not a connection string.", $"{ns}/{name}");
        }

        var rewrite = ConnectionStringRewriter.Rewrite(text, target, subject);
        return new DatabaseEndpointPlan
        {
            Namespace = ns,
            Secret = name,
            Key = key,
            Format = rewrite.Format,
            Old = rewrite.Old,
            New = rewrite.New,
            Changed = rewrite.Changed,
            ResourceVersion = secret.Metadata?.ResourceVersion,
            OldData = Convert.ToBase64String(bytes ?? []),
            NewData = Convert.ToBase64String(Encoding.UTF8.GetBytes(rewrite.Value)),
        };
    }

    private static SeekapaException NotFound(string ns, string name) =>
        new("SecretNotFound", FailureCategory.ObjectNotFound,
            $"Secret '{name}' was not found in namespace '{ns}'.", $"{ns}/{name}",
            "Check the name and -Namespace (kubectl get secrets -n " + ns + ").");
}
