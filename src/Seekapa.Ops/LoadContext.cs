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

        // PowerShell's own assemblies must come from the host, never from bin/.
        if (name == "System.Management.Automation" || name.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal))
        {
            return null;
        }

        var candidate = Path.Combine(_binPath, name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        // A framework assembly the runtime already ships at the same or a newer version: use the runtime's copy, or
        // e.g. System.Diagnostics.DiagnosticSource would get a private second copy that splits Activity listeners.
        var runtimeCopy = Path.Combine(_runtimePath, name + ".dll");
        if (File.Exists(runtimeCopy))
        {
            try
            {
                var runtimeVersion = AssemblyName.GetAssemblyName(runtimeCopy).Version;
                if (runtimeVersion is not null && (assemblyName.Version is null || runtimeVersion >= assemblyName.Version))
                {
                    return null;
                }
            }
            catch (BadImageFormatException)
            {
                // Not a managed assembly in the runtime folder: fall through to ours.
            }
        }

        var precompiled = Path.Combine(_precompiledPath, name + ".dll");
        return LoadFromAssemblyPath(File.Exists(precompiled) ? precompiled : candidate);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var candidate = Path.Combine(_binPath, unmanagedDllName);
        return File.Exists(candidate) ? LoadUnmanagedDllFromPath(candidate) : IntPtr.Zero;
    }
}
