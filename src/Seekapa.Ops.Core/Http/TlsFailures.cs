using System.Security.Authentication;

namespace Seekapa.Ops.Core.Http;

/// <summary>
/// A TLS handshake that failed (certificate rejected, protocol mismatch) is not transient: the same server presents the
/// same certificate on the next attempt, so retrying only delays the error (a restarted server with a new CA must fail
/// at once). Used by every retry decision.
/// </summary>
public static class TlsFailures
{
    public static bool IsTlsFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is AuthenticationException || ex is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
            {
                return true;
            }
        }

        return false;
    }
}
