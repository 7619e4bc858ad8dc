namespace Seekapa.Ops;

/// <summary>Why an endpoint check is not healthy.</summary>
public enum EndpointFailure
{
    None,
    UnexpectedStatus,
    BodyMismatch,
    Timeout,
    DnsFailure,
    ConnectionRefused,
    TlsFailure,
    ConnectionReset,
    Other,
}
