using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// Says why a server's certificate was rejected. Npgsql's own check only answers "rejected", which leaves the operator
/// guessing between a wrong host name and an unknown CA; so, once the connection has already failed, this opens one more
/// TCP connection, asks for TLS (SSLRequest, as Npgsql does), looks at the certificate the server presents and closes.
/// It sends no user, password or token, and it never accepts the certificate.
/// </summary>
internal static class CertificateProbe
{
    private const int SslRequestCode = 80877103;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>"the server's certificate (subject ..., issued by ...) is not for the name ... and does not chain to ..." or null when it cannot tell.</summary>
    public static string? Explain(string connectHost, string tlsName, int port, string? rootCertificate, bool checkName)
    {
        try
        {
            using var tcp = new TcpClient();
            if (!tcp.ConnectAsync(connectHost, port).Wait(Timeout))
            {
                return null;
            }

            var stream = tcp.GetStream();
            stream.ReadTimeout = stream.WriteTimeout = (int)Timeout.TotalMilliseconds;
            var request = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(request, 8);
            BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), SslRequestCode);
            stream.Write(request);
            if (stream.ReadByte() != 'S')
            {
                return null;
            }

            string? explanation = null;
            using var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, errors) =>
            {
                explanation = certificate is null ? null : Describe(new X509Certificate2(certificate), errors, tlsName, rootCertificate, checkName);
                return false;
            });
            try
            {
                ssl.AuthenticateAsClient(new SslClientAuthenticationOptions
                {
                    TargetHost = tlsName,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                });
            }
            catch (AuthenticationException)
            {
                // Expected: the callback above refuses every certificate.
            }

            return explanation;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or AggregateException
                                       or CryptographicException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static string Describe(X509Certificate2 certificate, SslPolicyErrors errors, string tlsName, string? rootCertificate, bool checkName)
    {
        using (certificate)
        {
            var problems = new List<string>();
            if (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
                    .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString()))).ToList();
                problems.Add($"is not for the name '{tlsName}'" + (names.Count > 0 ? $" (it names {string.Join(", ", names)})" : string.Empty));
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (rootCertificate is not null)
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(rootCertificate);
                if (roots.Count == 0)
                {
                    roots.Add(new X509Certificate2(rootCertificate));
                }

                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.ExtraStore.AddRange(roots);
            }

            if (!chain.Build(certificate))
            {
                var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
                var issuers = rootCertificate is null ? "the system's trusted roots" : $"the CA in {rootCertificate}";
                problems.Add($"does not chain to {issuers} ({string.Join(", ", statuses)})");
            }

            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }

            var what = $"the server's certificate (subject {certificate.Subject}, issued by {certificate.Issuer}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd})";
            return problems.Count == 0 ? $"{what} is not accepted" : $"{what} {string.Join(" and ", problems)}";
        }
    }
}
