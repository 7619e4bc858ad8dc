namespace Seekapa.Ops.Core.Security;

/// <summary>
/// The secret values one PowerShell runspace was given (tokens, passwords, kubeconfig credentials). Every redaction
/// consults the registry in scope (<see cref="Current"/>), so a secret the session knows is masked wherever it later
/// shows up, even in a format no pattern recognises. The cmdlet layer keeps one registry per runspace and puts it in
/// scope around each cmdlet step (<see cref="Use"/>); Core code that learns a secret (a kubeconfig token) adds it to
/// <see cref="Current"/>. Values stay for the runspace's life: a secret seen once is a secret for good.
/// </summary>
public sealed class SecretRegistry
{
    /// <summary>Shorter values are not registered: masking every "abc" in every text would make output unreadable.</summary>
    public const int MinLength = 4;

    private static readonly AsyncLocal<SecretRegistry?> Ambient = new();

    private readonly object _gate = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly List<Func<string?>> _sources = new();
    private string[] _snapshot = Array.Empty<string>();

    /// <summary>The registry of the runspace the current cmdlet runs in; null outside a cmdlet (unit tests, tools).</summary>
    public static SecretRegistry? Current => Ambient.Value;

    /// <summary>Puts the registry in scope for this call chain (async continuations included) until disposed.</summary>
    public static IDisposable Use(SecretRegistry registry)
    {
        var previous = Ambient.Value;
        Ambient.Value = registry;
        return new Scope(previous);
    }

    /// <summary>
    /// Registers a secret value, its URL-encoded form, and any secret a pattern finds inside it (the password of a
    /// connection string or URL given as a whole).
    /// </summary>
    public void Add(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var found = new List<string> { value.Trim() };
        found.AddRange(Redactor.FindSecrets(value));
        lock (_gate)
        {
            var changed = false;
            foreach (var secret in found)
            {
                changed |= AddLocked(secret);
                var escaped = Uri.EscapeDataString(secret);
                if (escaped != secret)
                {
                    changed |= AddLocked(escaped);
                }
            }

            if (changed)
            {
                // Longest first, so a secret that contains another is masked whole.
                _snapshot = _values.OrderByDescending(v => v.Length).ToArray();
            }
        }
    }

    /// <summary>Registers only what the patterns recognise in free text (a URL with ?api_key=, a note with password=).</summary>
    public void AddFoundIn(string? text)
    {
        foreach (var secret in Redactor.FindSecrets(text))
        {
            Add(secret);
        }
    }

    /// <summary>A secret that changes over time (a refreshed bearer token): read at every redaction.</summary>
    public void AddSource(Func<string?> source)
    {
        lock (_gate)
        {
            _sources.Add(source);
        }
    }

    /// <summary>Every known value, longest first.</summary>
    public IReadOnlyList<string> Values
    {
        get
        {
            Func<string?>[] sources;
            string[] snapshot;
            lock (_gate)
            {
                sources = _sources.ToArray();
                snapshot = _snapshot;
            }

            if (sources.Length == 0)
            {
                return snapshot;
            }

            var dynamic = new List<string>();
            foreach (var source in sources)
            {
                string? value;
                try
                {
                    value = source();
                }
                catch (Exception)
                {
                    // A token provider that fails has nothing to hide: its failure surfaces on the request itself.
                    continue;
                }

                if (value is { Length: >= MinLength } && !dynamic.Contains(value))
                {
                    dynamic.Add(value);
                }
            }

            return dynamic.Count == 0 ? snapshot : snapshot.Concat(dynamic).OrderByDescending(v => v.Length).ToArray();
        }
    }

    private bool AddLocked(string value) => value.Length >= MinLength && _values.Add(value);

    private sealed class Scope(SecretRegistry? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
