namespace Seekapa.Ops;

/// <summary>A resolved connection to one Kubernetes cluster: what Connect-SeekapaCluster returns and every cluster cmdlet uses.</summary>
public sealed class ClusterConnection
{
    public ClusterConnection(string context, string server, string @namespace, string? user, string? kubeconfigPath)
    {
        Context = context;
        Server = server;
        Namespace = @namespace;
        User = user;
        KubeconfigPath = kubeconfigPath;
    }

    /// <summary>The kubeconfig context name.</summary>
    public string Context { get; }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>The default namespace for cmdlets run without -Namespace.</summary>
    public string Namespace { get; }

    /// <summary>The kubeconfig user entry name (never a credential).</summary>
    public string? User { get; }

    /// <summary>The kubeconfig file this came from, if any.</summary>
    public string? KubeconfigPath { get; }

    /// <summary>The server's gitVersion, filled in when the connection was verified.</summary>
    public string? ServerVersion { get; internal set; }

    /// <summary>The live client; lives in the private load context, so only Core and the cmdlets touch it.</summary>
    internal object? Handle { get; set; }

    public override string ToString() => $"{Context} ({Server}, namespace {Namespace})";
}
