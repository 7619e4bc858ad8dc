using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace Seekapa.Ops.Sandbox;

/// <summary>
/// What a pod's port really is: the sandbox runs no containers, so a forwarded pod port reaches a real local endpoint
/// only when one is registered here ("NAMESPACE/POD:PORT=HOST:PORT"). A pod port with no backend answers as a kubelet
/// does for a closed port. The pod part may end in '*' so that a Deployment's replacement pods (new random names)
/// keep their backend.
/// </summary>
public sealed class PortForwardBackends
{
    private readonly ConcurrentDictionary<(string Namespace, string Pod, int Port), DnsEndPoint> _exact = new();
    private readonly ConcurrentDictionary<(string Namespace, string Prefix, int Port), DnsEndPoint> _prefix = new();

    /// <summary>Backs <paramref name="pod"/> (or every pod whose name starts with it, when it ends in '*') port <paramref name="port"/>.</summary>
    public void Add(string @namespace, string pod, int port, string host, int hostPort)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(hostPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hostPort, 65535);
        var endpoint = new DnsEndPoint(host, hostPort);
        if (pod.EndsWith('*'))
        {
            _prefix[(@namespace, pod[..^1], port)] = endpoint;
        }
        else
        {
            _exact[(@namespace, pod, port)] = endpoint;
        }
    }

    /// <summary>Adds "NAMESPACE/POD:PORT=HOST:PORT" (the --backend flag and a scenario's "backends" entries).</summary>
    public void Add(string spec)
    {
        var (ns, pod, port, host, hostPort) = Parse(spec);
        Add(ns, pod, port, host, hostPort);
    }

    /// <summary>Removes a backend (the pod port is then closed again).</summary>
    public bool Remove(string @namespace, string pod, int port) =>
        pod.EndsWith('*') ? _prefix.TryRemove((@namespace, pod[..^1], port), out _) : _exact.TryRemove((@namespace, pod, port), out _);

    /// <summary>The endpoint behind a pod's port, or null when nothing listens there.</summary>
    public DnsEndPoint? Find(string @namespace, string pod, int port)
    {
        if (_exact.TryGetValue((@namespace, pod, port), out var exact))
        {
            return exact;
        }
        // The longest matching prefix wins, so "api-*" can be narrowed by "api-canary-*".
        return _prefix.Where(p => p.Key.Namespace == @namespace && p.Key.Port == port && pod.StartsWith(p.Key.Prefix, StringComparison.Ordinal))
            .OrderByDescending(p => p.Key.Prefix.Length).Select(p => p.Value).FirstOrDefault();
    }

    /// <exception cref="FormatException">The text is not NAMESPACE/POD:PORT=HOST:PORT.</exception>
    public static (string Namespace, string Pod, int Port, string Host, int HostPort) Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var error = $"backend \"{spec}\" is not NAMESPACE/POD:PORT=HOST:PORT";
        var eq = spec.IndexOf('=');
        if (eq < 0)
        {
            throw new FormatException(error);
        }
        var (left, right) = (spec[..eq], spec[(eq + 1)..]);
        var slash = left.IndexOf('/');
        var colon = left.LastIndexOf(':');
        var hostColon = right.LastIndexOf(':');
        if (slash <= 0 || colon <= slash + 1 || hostColon <= 0 ||
            !int.TryParse(left[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 ||
            !int.TryParse(right[(hostColon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort) || hostPort is < 1 or > 65535)
        {
            throw new FormatException(error);
        }
        var host = right[..hostColon].Trim('[', ']');
        return (left[..slash], left[(slash + 1)..colon], port, host, hostPort);
    }
}
