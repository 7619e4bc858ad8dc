namespace Seekapa.Ops.Core.Redis;

/// <summary>How to reach a Redis endpoint: the password (overrides one in a redis:// URI), TLS and its trust, the timeout.</summary>
public sealed record RedisConnectOptions
{
    public string? Password { get; init; }

    /// <summary>Connect with TLS even when the endpoint is not a rediss:// URI.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// A CA certificate (PEM or DER) that the server's certificate must chain to, instead of the system's trusted roots,
    /// for servers with a private or self-signed CA. Implies TLS. The host name is still checked.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>Connecting, and each command.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
