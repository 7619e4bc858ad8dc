using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using Xunit;

namespace Seekapa.Ops.Tests.Fixtures;

/// <summary>Every test class that uses the PostgreSQL server: one server per test run, and its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A real PostgreSQL server (the machine's initdb and pg_ctl) in a temporary directory: 127.0.0.1 on a free port, a
/// Unix socket in the same directory, TLS with a certificate from the fixture's own CA (<see cref="CaCertificatePath"/>)
/// for 127.0.0.1, localhost and <see cref="RemoteName"/> (so Disable, Require and verification can all be tested),
/// SCRAM passwords over TCP, fsync off for speed. Run as the postgres user when the tests run as root (initdb and
/// pg_ctl refuse root). Stopped with pg_ctl -m immediate and deleted at the end, also when the process exits early.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Superuser = "postgres";
    public const string Host = "127.0.0.1";

    /// <summary>
    /// A name on the server's certificate that the module treats as a remote host (.invalid never resolves): tests map
    /// it to 127.0.0.1 with DatabaseSession.ResolveOverrides to reach this server the way a remote one is reached.
    /// </summary>
    public const string RemoteName = "postgres.seekapa.invalid";

    private readonly object _gate = new();
    private bool _running;

    public PostgresServer()
    {
        BinDirectory = FindBinDirectory();
        RunAs = Environment.UserName == "root" ? "postgres" : null;
        Root = Path.Combine(Path.GetTempPath(), "seekapa-pg-" + Guid.NewGuid().ToString("N")[..12]);
        DataDirectory = Path.Combine(Root, "data");
    }

    /// <summary>The superuser's password: a value tests look for in every stream (it must never appear).</summary>
    public string Password { get; } = "pgSecret-" + Guid.NewGuid().ToString("N");

    public int Port { get; private set; }

    public string BinDirectory { get; }

    /// <summary>The OS user the server runs as (postgres when the tests run as root; null: the current user).</summary>
    public string? RunAs { get; }

    public string Root { get; }

    public string DataDirectory { get; }

    public string AutoConfPath => Path.Combine(DataDirectory, "postgresql.auto.conf");

    /// <summary>The CA certificate (PEM) that issued the server's certificate: what -SslRootCertificate takes.</summary>
    public string CaCertificatePath => Path.Combine(Root, "ca.crt");

    /// <summary>The superuser over TCP without TLS (the tests' own back door to the server).</summary>
    public string ConnectionString => ConnectionStringFor(Superuser, Password);

    public string ConnectionStringFor(string user, string password, string database = "postgres", string sslMode = "Disable") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = user,
            Password = password,
            Database = database,
            SslMode = Enum.Parse<SslMode>(sslMode),
            Pooling = false,
            ApplicationName = "seekapa-tests",
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        Restrict(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(Root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        await ChownAsync(Root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Destroy();

        await RunToolAsync("initdb", "-D", DataDirectory, "-U", Superuser, "--pwfile", passwordFile, "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
        File.Delete(passwordFile);
        await WriteCertificateAsync();
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            await File.WriteAllTextAsync(Path.Combine(DataDirectory, "seekapa-tests.conf"), $"""
                listen_addresses = '{Host}'
                port = {Port}
                unix_socket_directories = '{Root}'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                shared_buffers = 16MB
                max_connections = 50
                ssl = on
                ssl_cert_file = 'server.crt'
                ssl_key_file = 'server.key'
                """);
            await ChownAsync(DataDirectory);
            var conf = Path.Combine(DataDirectory, "postgresql.conf");
            if (!(await File.ReadAllTextAsync(conf)).Contains("include = 'seekapa-tests.conf'", StringComparison.Ordinal))
            {
                await File.AppendAllTextAsync(conf, "\ninclude = 'seekapa-tests.conf'\n");
            }

            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between the probe and the start: try another one.
            }
        }
    }

    public Task DisposeAsync()
    {
        Destroy();
        return Task.CompletedTask;
    }

    public async Task StartAsync()
    {
        await RunToolAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "start");
        lock (_gate)
        {
            _running = true;
        }
    }

    /// <summary>Stops at once (no checkpoint, sessions cut), as a crash or a hard restart would.</summary>
    public async Task StopAsync()
    {
        await RunToolAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        lock (_gate)
        {
            _running = false;
        }
    }

    /// <summary>A restart as an operator does it: sessions are terminated (57P01), the server comes back on the same port.</summary>
    public Task RestartAsync() => RunToolAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-m", "fast", "-w",
        "-t", "60", "restart");

    public async Task<NpgsqlConnection> OpenAsync(string? connectionString = null)
    {
        var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Creates (or re-creates) a login role with a password and the given grants (pg_monitor, ...).</summary>
    public async Task CreateRoleAsync(string name, string password, params string[] grants)
    {
        await ExecuteAsync($"DROP ROLE IF EXISTS \"{name}\"");
        await ExecuteAsync($"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
        foreach (var grant in grants)
        {
            await ExecuteAsync($"GRANT {grant} TO \"{name}\"");
        }
    }

    private void Destroy()
    {
        lock (_gate)
        {
            if (_running)
            {
                try
                {
                    RunToolAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop").GetAwaiter().GetResult();
                }
                catch (InvalidOperationException)
                {
                    // Already stopped (or never fully started): the directory is removed either way.
                }

                _running = false;
            }

            try
            {
                if (Directory.Exists(Root))
                {
                    Directory.Delete(Root, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task WriteCertificateAsync()
    {
        // A private CA and a server certificate it issued, as a company CA would: the CA is not in the system's roots,
        // so VerifyFull refuses the server unless it is given the CA.
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(7);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Seekapa test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore.AddDays(-1), notAfter.AddDays(1));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={RemoteName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName(RemoteName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var certificate = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        var certPath = Path.Combine(DataDirectory, "server.crt");
        var keyPath = Path.Combine(DataDirectory, "server.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        // The server refuses a key file others can read (it is chowned to the server's user with the data directory).
        Restrict(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(CaCertificatePath, ca.ExportCertificatePem());
    }

    private static void Restrict(string path, UnixFileMode mode)
    {
        // PostgreSQL on Windows is out of scope here (initdb + pg_ctl as the postgres user); the modes are Unix ones.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private async Task ChownAsync(string path)
    {
        if (RunAs is not null)
        {
            await RunAsync("chown", "-R", $"{RunAs}:{RunAs}", path);
        }
    }

    private Task RunToolAsync(string tool, params string[] args)
    {
        var exe = Path.Combine(BinDirectory, tool);
        return RunAs is null ? RunAsync(exe, args) : RunAsync("runuser", ["-u", RunAs, "--", exe, .. args]);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin with initdb (Debian's layout), else the directory of initdb on PATH.</summary>
    private static string FindBinDirectory()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL's initdb was not found (in /usr/lib/postgresql/*/bin or on PATH). Install it: sudo apt-get install -y postgresql");
    }
}
