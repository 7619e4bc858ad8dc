using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Seekapa.Ops.PowerShell.Cmdlets;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>
/// Runs the cmdlets in-process in a real runspace (Microsoft.PowerShell.SDK). The cmdlets are added from the referenced
/// assembly, in the test's own load context: the load-context behaviour itself is tested by Pester on the built module.
/// </summary>
public sealed class CmdletHost : IDisposable
{
    private readonly Runspace _runspace;

    public CmdletHost()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(SeekapaCmdlet).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute attribute)
            {
                state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
            }
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public sealed record Result(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors);

    public Result Invoke(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }

        ps.AddScript(script);
        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            return new Result(new Collection<PSObject>(), new[] { ex.ErrorRecord });
        }

        return new Result(output, ps.Streams.Error.ToList());
    }

    public void Dispose() => _runspace.Dispose();
}
