using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Seekapa.Ops;

/// <summary>
/// Loads the cmdlet assembly, Core and every third-party dependency from the module's bin/ folder into one private
/// AssemblyLoadContext, so that other modules' copies of YamlDotNet, Azure.Core, Microsoft.Extensions.* cannot clash
/// with ours. This assembly itself stays in the default context and is shared, so both sides see the same model types.
/// </summary>
public sealed class LoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static LoadContext? _instance;

    private readonly string _binPath;
    private readonly string _precompiledPath;
    private readonly string _runtimePath;
    private readonly Assembly _sharedAssembly;
    private readonly AssemblyName _sharedName;
    private readonly Dictionary<string, string> _hostAssemblies = HostAssemblies();
    private readonly ConcurrentDictionary<string, string?> _decisions = new(StringComparer.OrdinalIgnoreCase);

    private LoadContext(string binPath) : base("Seekapa.Ops", isCollectible: false)
    {
        _binPath = binPath;
        _precompiledPath = Path.Combine(binPath, "r2r", PlatformKey(), "net" + Environment.Version.Major);
        _runtimePath = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
        _sharedAssembly = typeof(LoadContext).Assembly;
        _sharedName = _sharedAssembly.GetName();
    }

    /// <summary>True once the module has been loaded in this process (a second Import-Module is a reload).</summary>
    public static bool IsInitialized
    {
        get
        {
            lock (Gate)
            {
                return _instance is not null;
            }
        }
    }

    /// <summary>
    /// Where build.ps1 puts ReadyToRun copies of bin/'s IL for this process: bin/r2r/&lt;os&gt;-&lt;arch&gt;/net&lt;major&gt;/. A
    /// precompiled image is native code for one OS, CPU and .NET major version: .NET 10 ignores .NET 8's images, and an
    /// image for another OS or CPU does not load at all ("incorrect format"), so bin/ itself stays portable IL.
    /// </summary>
    public static string PlatformKey()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : "other";
        return os + "-" + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }

    /// <summary>The bin/ folder this context loads from.</summary>
    public string BinPath => _binPath;

    /// <summary>Creates the context once per process and returns the cmdlet assembly loaded into it.</summary>
    public static Assembly Initialize(string binPath, string cmdletAssemblyName = "Seekapa.Ops.PowerShell")
    {
        var full = Path.GetFullPath(binPath);
        lock (Gate)
        {
            if (_instance is null)
            {
                _instance = new LoadContext(full);
            }
            else if (!string.Equals(Path.GetFullPath(_instance._binPath), full, StringComparison.OrdinalIgnoreCase))
            {
                // A second copy of the module from another folder would load a second set of types: refuse clearly.
                throw new InvalidOperationException(
                    $"Seekapa.Ops is already loaded from '{_instance._binPath}' in this process; start a new session to load it from '{full}'.");
            }

            return _instance.LoadFromAssemblyName(new AssemblyName(cmdletAssemblyName));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (name is null)
        {
            return null;
        }

        if (AssemblyName.ReferenceMatchesDefinition(_sharedName, assemblyName) || name == _sharedName.Name)
        {
            return _sharedAssembly;
        }

        // The module's own assemblies always come from bin/, even in a host that lists copies of them (e.g. a test
        // project referencing them): they are the reason this context exists.
        if (name.StartsWith(_sharedName.Name + ".", StringComparison.Ordinal))
        {
            var own = Path.Combine(_binPath, name + ".dll");
            return File.Exists(own) ? LoadFromAssemblyPath(Precompiled(own)) : null;
        }

        // PowerShell's own assemblies must come from the host, never from bin/.
        if (name == "System.Management.Automation" || name.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal))
        {
            return null;
        }

        // One answer per simple name, whoever asks and whatever version they ask for: answering per request split
        // System.Text.Json on .NET 8 (KubernetesClient asked for 8.0 and got the runtime's, Core asked for 10.0 and got
        // ours), so the two sides saw different JsonSerializerOptions types ("Method not found").
        var path = _decisions.GetOrAdd(name, Decide);
        return path is null ? null : LoadFromAssemblyPath(Precompiled(path));
    }

    /// <summary>The ReadyToRun image of a bin/ assembly for this platform and runtime when the build made one, else the IL copy.</summary>
    private string Precompiled(string path)
    {
        var precompiled = Path.Combine(_precompiledPath, Path.GetFileName(path));
        return File.Exists(precompiled) ? precompiled : path;
    }

    /// <summary>
    /// Where every request for <paramref name="name"/> is served from: our bin/ copy (its path) or the default context
    /// (null). Our copy is used only when the runtime or host has none, or has an older assembly version than ours.
    /// At the same version the host's copy wins, so that e.g. System.Diagnostics.DiagnosticSource stays one copy with
    /// the host's (a private copy splits Activity listeners and Activity.Current). When ours is newer (on .NET 8:
    /// System.Text.Json, System.Diagnostics.DiagnosticSource 10.0, which Azure.Core, Npgsql and Microsoft.Extensions.*
    /// are built against) every requester gets ours: handing a 10.0 consumer the 8.0 copy would fail on a missing
    /// member, and the cost is that our dependencies' Activities are not seen by listeners in the default context.
    /// </summary>
    private string? Decide(string name)
    {
        var candidate = Path.Combine(_binPath, name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        // Without a TPA list (an unusual host) the runtime folder is the best guess of what the default context has.
        var hostCopy = _hostAssemblies.Count > 0
            ? _hostAssemblies.GetValueOrDefault(name)
            : Path.Combine(_runtimePath, name + ".dll");
        if (hostCopy is null || !File.Exists(hostCopy))
        {
            return candidate;
        }

        try
        {
            var hostVersion = AssemblyName.GetAssemblyName(hostCopy).Version;
            var ourVersion = AssemblyName.GetAssemblyName(candidate).Version;
            return hostVersion is not null && (ourVersion is null || hostVersion >= ourVersion) ? null : candidate;
        }
        catch (BadImageFormatException)
        {
            // Not a managed assembly on the host's side: ours is the only usable copy.
            return candidate;
        }
    }

    /// <summary>
    /// The assemblies the default context resolves by name: the runtime's and the host application's (pwsh's own
    /// folder, e.g. Microsoft.Bcl.AsyncInterfaces), as the runtime host lists them in TRUSTED_PLATFORM_ASSEMBLIES.
    /// </summary>
    private static Dictionary<string, string> HostAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                {
                    map.TryAdd(Path.GetFileNameWithoutExtension(path), path);
                }
            }
        }

        return map;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var candidate = Path.Combine(_binPath, unmanagedDllName);
        return File.Exists(candidate) ? LoadUnmanagedDllFromPath(candidate) : IntPtr.Zero;
    }
}
