using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using StackExchange.Redis;

namespace Seekapa.Ops.Tests.Fixtures;

/// <summary>
/// Real redis-server instances on 127.0.0.1 and free ports, each started on first use and stopped when the test run ends
/// (or, through <see cref="GuardedProcess"/>, when the test host dies). <see cref="Plain"/> has no password;
/// <see cref="Secured"/> requires <see cref="Password"/> and also listens with TLS, its certificate issued for 127.0.0.1
/// by a CA generated here (<see cref="CaCertificatePath"/>). Tests that use them belong to <see cref="RedisCollection"/>
/// (they flush and count server-wide), except those that only touch their own database of <see cref="Secured"/>.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>The password of <see cref="Secured"/>; the redaction tests look for it in every stream.</summary>
    public const string Password = "Rd-s3cret-7f2c91e4";

    private static readonly Lazy<RedisServer> LazyPlain = new(() => StartShared(secured: false));
    private static readonly Lazy<RedisServer> LazySecured = new(() => StartShared(secured: true));

    private readonly GuardedProcess _process;
    private readonly string _directory;

    /// <param name="directory">Removed by the <see cref="GuardedProcess"/> once the server has exited.</param>
    private RedisServer(GuardedProcess process, string directory, int port, int? tlsPort, bool secured)
    {
        _process = process;
        _directory = directory;
        Port = port;
        TlsPort = tlsPort;
        IsSecured = secured;
    }

    public static RedisServer Plain => LazyPlain.Value;
    public static RedisServer Secured => LazySecured.Value;

    public int Port { get; }
    public int? TlsPort { get; }
    public bool IsSecured { get; }

    /// <summary>The CA that issued the TLS certificate (PEM), for -CaCertificatePath.</summary>
    public string CaCertificatePath => Path.Combine(_directory, "ca.crt");

    public string Endpoint => $"127.0.0.1:{Port}";
    public string TlsEndpoint => $"127.0.0.1:{TlsPort}";

    private static RedisServer StartShared(bool secured)
    {
        var server = Start(secured);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    private static RedisServer Start(bool secured)
    {
        // A port taken between choosing and binding makes redis-server exit (and its directory go): choose again.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("seekapa-redis-").FullName;
            if (secured)
            {
                WriteCertificates(directory);
            }

            var port = FreePort();
            int? tlsPort = secured ? FreePort() : null;
            var args = new List<string>
            {
                "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--databases", "16", "--dir", directory,
            };
            if (secured)
            {
                args.AddRange(["--requirepass", Password, "--tls-port", tlsPort!.Value.ToString(),
                    "--tls-cert-file", Path.Combine(directory, "server.crt"), "--tls-key-file", Path.Combine(directory, "server.key"),
                    "--tls-ca-cert-file", Path.Combine(directory, "ca.crt"), "--tls-auth-clients", "no"]);
            }

            var process = GuardedProcess.Start("redis-server", args, directory);
            if (WaitUntilListening(process, port, TimeSpan.FromSeconds(20)))
            {
                return new RedisServer(process, directory, port, tlsPort, secured);
            }

            var output = process.Output;
            process.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start on 127.0.0.1:{port}: {output}");
            }
        }
    }

    private static bool WaitUntilListening(GuardedProcess process, int port, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[64];
                // +PONG, or -NOAUTH from the secured instance: either way it answers commands.
                if (stream.Read(buffer) > 0)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>
    /// A client for arranging data and reading state behind the cmdlets' back (allowAdmin, the password when secured;
    /// no tie-breaker GET, which would count as a keyspace miss).
    /// </summary>
    public ConnectionMultiplexer Connect() => ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { { IPAddress.Loopback, Port } },
        Password = IsSecured ? Password : null,
        AllowAdmin = true,
        TieBreaker = string.Empty,
    });

    /// <summary>Writes <paramref name="count"/> keys named prefix:N into the database.</summary>
    public void Seed(int database, int count, string prefix)
    {
        using var redis = Connect();
        var db = redis.GetDatabase(database);
        for (var i = 0; i < count; i++)
        {
            db.StringSet($"{prefix}:{i}", i);
        }
    }

    public long KeyCount(int database)
    {
        using var redis = Connect();
        return redis.GetServer(redis.GetEndPoints()[0]).DatabaseSize(database);
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A CA and a server certificate it issued for 127.0.0.1, as PEM files redis-server reads.</summary>
    private static void WriteCertificates(string directory)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Seekapa Test Redis CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(directory, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.crt"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => _process.Dispose();
}

/// <summary>The Redis tests flush and read server-wide counters: they run one at a time.</summary>
[Xunit.CollectionDefinition(Name)]
public sealed class RedisCollection
{
    public const string Name = "Redis";
}

/// <summary>
/// A server binary run under sh so that neither it nor its working directory outlives the tests: the shell kills it as
/// soon as its stdin closes, which happens on <see cref="Dispose"/> and also when the test host exits, is killed by the
/// test runner or crashes; once the server has exited, the shell removes the working directory. Also used by PrometheusServer.
/// </summary>
public sealed class GuardedProcess : IDisposable
{
    // fd 3 keeps our stdin for the watcher; the server itself reads /dev/null. The shell exits when the server does.
    private const string Script =
        "exec 3<&0; \"$0\" \"$@\" </dev/null & child=$!; (read _ <&3; kill $child 2>/dev/null) & wait $child; status=$?; " +
        "rm -rf \"$PWD\"; exit $status";

    private readonly Process _shell;
    private readonly StringBuilder _output = new();

    private GuardedProcess(Process shell) => _shell = shell;

    /// <param name="workingDirectory">A directory of the server's own (data, configuration): deleted when it exits.</param>
    public static GuardedProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var guarded = new GuardedProcess(process);
        process.OutputDataReceived += (_, e) => guarded.Append(e.Data);
        process.ErrorDataReceived += (_, e) => guarded.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return guarded;
    }

    public bool HasExited => _shell.HasExited;

    /// <summary>The last 8 KiB of the server's stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 8192)
            {
                _output.Remove(0, _output.Length - 8192);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _shell.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (!_shell.WaitForExit(15000))
        {
            _shell.Kill(entireProcessTree: true);
        }

        _shell.Dispose();
    }
}
