using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// The object Get-SeekapaEvent -For narrows the events to: kubectl's --for kind/name, or an object piped in. Matched
/// against involvedObject: kind case-insensitively, name exactly, and the namespace when it is known.
/// </summary>
public sealed record EventObjectReference(string Kind, string Name, string? Namespace = null)
{
    // kubectl resolves "po", "deploy", "pods" and the like through discovery; these are the kinds events are about.
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pod"] = "Pod", ["pods"] = "Pod", ["po"] = "Pod",
        ["deployment"] = "Deployment", ["deployments"] = "Deployment", ["deploy"] = "Deployment",
        ["replicaset"] = "ReplicaSet", ["replicasets"] = "ReplicaSet", ["rs"] = "ReplicaSet",
        ["statefulset"] = "StatefulSet", ["statefulsets"] = "StatefulSet", ["sts"] = "StatefulSet",
        ["daemonset"] = "DaemonSet", ["daemonsets"] = "DaemonSet", ["ds"] = "DaemonSet",
        ["job"] = "Job", ["jobs"] = "Job",
        ["cronjob"] = "CronJob", ["cronjobs"] = "CronJob", ["cj"] = "CronJob",
        ["node"] = "Node", ["nodes"] = "Node", ["no"] = "Node",
        ["service"] = "Service", ["services"] = "Service", ["svc"] = "Service",
        ["endpoints"] = "Endpoints", ["ep"] = "Endpoints",
        ["persistentvolumeclaim"] = "PersistentVolumeClaim", ["persistentvolumeclaims"] = "PersistentVolumeClaim", ["pvc"] = "PersistentVolumeClaim",
        ["persistentvolume"] = "PersistentVolume", ["persistentvolumes"] = "PersistentVolume", ["pv"] = "PersistentVolume",
        ["horizontalpodautoscaler"] = "HorizontalPodAutoscaler", ["horizontalpodautoscalers"] = "HorizontalPodAutoscaler", ["hpa"] = "HorizontalPodAutoscaler",
        ["ingress"] = "Ingress", ["ingresses"] = "Ingress", ["ing"] = "Ingress",
        ["configmap"] = "ConfigMap", ["configmaps"] = "ConfigMap", ["cm"] = "ConfigMap",
        ["namespace"] = "Namespace", ["namespaces"] = "Namespace", ["ns"] = "Namespace",
        ["poddisruptionbudget"] = "PodDisruptionBudget", ["pdb"] = "PodDisruptionBudget",
        ["serviceaccount"] = "ServiceAccount", ["sa"] = "ServiceAccount",
    };

    // Kinds without a namespace: their events are recorded in "default" (kubelet, node-problem-detector), so -For
    // node/x looks in every namespace unless -Namespace says otherwise.
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Node", "PersistentVolume", "Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    };

    /// <summary>True for kinds whose objects have no namespace (Node, PersistentVolume, Namespace, ...).</summary>
    public bool IsClusterScoped => ClusterScoped.Contains(Kind);

    /// <summary>
    /// kubectl's --for form: "kind/name", where kind may be a short name, a plural or kind.group ("deployment.apps/x").
    /// Anything else (no slash, empty parts, "a/b/c", an invalid name) is InvalidObjectReference.
    /// </summary>
    public static EventObjectReference Parse(string text)
    {
        var parts = (text ?? string.Empty).Trim().Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw Invalid(text ?? string.Empty, "expected kind/name, e.g. pod/backend-7c9b5d8f6b-x4k2p or node/aks-nodepool1-0");
        }

        var kind = NormalizeKind(parts[0]);
        if (kind.Length == 0 || !kind.All(char.IsAsciiLetterOrDigit))
        {
            throw Invalid(text!, $"'{parts[0]}' is not a resource kind");
        }

        if (!ResourceNames.IsValidName(parts[1]))
        {
            throw Invalid(text!, $"'{parts[1]}' is not a valid object name (RFC 1123: lowercase alphanumerics, '-' or '.')");
        }

        return new EventObjectReference(kind, parts[1]);
    }

    /// <summary>An object given by its properties (Kind, Name, Namespace), e.g. one piped in from another cmdlet.</summary>
    public static EventObjectReference FromProperties(string? kind, string? name, string? ns, object? source = null)
    {
        if (string.IsNullOrWhiteSpace(kind) || string.IsNullOrWhiteSpace(name))
        {
            throw Invalid(source?.ToString() ?? string.Empty,
                "the object has no Kind and Name properties; give -For as kind/name, or pipe objects from Get-SeekapaPodHealth or Get-SeekapaDeployment");
        }

        return new EventObjectReference(NormalizeKind(kind), name, string.IsNullOrEmpty(ns) ? null : ns);
    }

    /// <summary>"pods" -> Pod, "deployment.apps" -> Deployment; an unknown kind is kept as given (compared case-insensitively).</summary>
    public static string NormalizeKind(string kind)
    {
        var bare = kind.Trim();
        var dot = bare.IndexOf('.');
        if (dot > 0)
        {
            bare = bare[..dot];
        }

        return Kinds.TryGetValue(bare, out var known) ? known : bare;
    }

    /// <summary>True when the event's involvedObject is this object.</summary>
    public bool Matches(ClusterEvent ev) =>
        string.Equals(ev.ObjectKind, Kind, StringComparison.OrdinalIgnoreCase)
        && string.Equals(ev.ObjectName, Name, StringComparison.Ordinal)
        && (Namespace is null || IsClusterScoped || string.Equals(ev.ObjectNamespace ?? ev.Namespace, Namespace, StringComparison.Ordinal));

    public override string ToString() => Namespace is null ? $"{Kind.ToLowerInvariant()}/{Name}" : $"{Namespace}/{Kind.ToLowerInvariant()}/{Name}";

    private static SeekapaException Invalid(string text, string why) =>
        new("InvalidObjectReference", FailureCategory.InvalidArgument, $"Invalid -For '{text}': {why}.", text,
            "Give the object as kind/name (pod/NAME, deployment/NAME, node/NAME), or pipe it in from Get-SeekapaPodHealth or Get-SeekapaDeployment.");
}
