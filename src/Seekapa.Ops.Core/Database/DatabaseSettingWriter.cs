using System.Text.RegularExpressions;
using Npgsql;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Database;

/// <summary>A server setting as pg_settings describes it, with its running value as current_setting() shows it (with unit).</summary>
public sealed record DatabaseSetting(string Name, string Value, string Context, string Type, bool PendingRestart);

/// <summary>
/// ALTER SYSTEM SET for one setting, then pg_reload_conf(), then what pg_settings says. The name must be a real setting
/// (looked up in pg_settings with a bound parameter); the value never passes through client-side string building.
/// </summary>
public static partial class DatabaseSettingWriter
{
    // A GUC name: letters, digits and underscores, optionally one "extension." prefix. Anything else (quotes, spaces,
    // semicolons, comments) cannot be a setting, so it is refused before the server is asked.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$")]
    private static partial Regex NamePattern();

    private const string ReadSql = """
        SELECT name, current_setting(name), context, vartype, pending_restart FROM pg_settings WHERE name = lower($1)
        """;

    // ALTER SYSTEM cannot take bind parameters, and it cannot run inside a function or DO block ("ALTER SYSTEM cannot be
    // executed from a function"), so the usual ways of keeping a value out of the SQL text are closed. Instead the server
    // builds the statement itself from bound parameters: format() with %I and %L applies the server's own quote_ident
    // and quote_literal (which know its standard_conforming_strings), and the client runs exactly that text, after
    // checking it is the single statement expected. The client never concatenates the value into SQL.
    private const string BuildSql = "SELECT format('ALTER SYSTEM SET %I = %L', $1::text, $2::text)";

    // Settings whose whole value is a secret (a command that may embed the key's passphrase): shown as *** when set.
    // Others, such as primary_conninfo, keep what is useful (host, user) and lose the password through the Redactor.
    private static readonly HashSet<string> SecretSettings = new(StringComparer.OrdinalIgnoreCase) { "ssl_passphrase_command" };

    /// <summary>
    /// A setting's value as it may be shown anywhere (output object, -WhatIf, Verbose, timeline): a setting such as
    /// primary_conninfo can hold a password. <paramref name="redact"/> is the session's redaction (its own secrets too).
    /// </summary>
    public static string Shown(string name, string? value, Func<string?, string> redact) =>
        SecretSettings.Contains(name) && !string.IsNullOrEmpty(value) ? Security.Redactor.Mask : redact(value);

    /// <summary>Refuses what cannot be a setting name, before any connection.</summary>
    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            throw NotFound(name);
        }
    }

    /// <summary>The setting as the server has it; SettingNotFound when pg_settings does not know the name.</summary>
    public static async Task<DatabaseSetting> ReadAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        ValidateName(name);
        await using var command = new NpgsqlCommand(ReadSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            throw NotFound(name);
        }

        return new DatabaseSetting(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4));
    }

    /// <summary>Refuses settings ALTER SYSTEM cannot change (context internal: fixed when the server was built or initialized).</summary>
    public static void ValidateChangeable(DatabaseSetting setting)
    {
        if (setting.Context == "internal")
        {
            throw new SeekapaException("SettingReadOnly", FailureCategory.InvalidOperation,
                $"{setting.Name} cannot be changed: it is fixed when PostgreSQL is built or the cluster is initialized.", setting.Name);
        }
    }

    /// <summary>
    /// Writes the setting with ALTER SYSTEM, reloads the configuration, waits (up to <paramref name="reloadWait"/>) until
    /// this session has re-read it, and reports the value, context and pending_restart the server then shows. The values
    /// in the report pass through <paramref name="redact"/> (see <see cref="Shown"/>): the object ends up in transcripts.
    /// </summary>
    public static async Task<(DatabaseSettingChange Change, string? Warning)> ApplyAsync(NpgsqlConnection connection,
        DatabaseSetting before, string value, TimeSpan reloadWait, Func<string?, string> redact, CancellationToken ct)
    {
        ValidateChangeable(before);
        var loadedBefore = await ScalarAsync<DateTime>(connection, "SELECT pg_conf_load_time()", ct).ConfigureAwait(false);
        var statement = await ScalarAsync<string>(connection, BuildSql, ct, before.Name, value).ConfigureAwait(false);
        var expectedShape = statement.StartsWith($"ALTER SYSTEM SET {before.Name} = ", StringComparison.Ordinal) ||
                            statement.StartsWith("ALTER SYSTEM SET \"", StringComparison.Ordinal);
        if (!expectedShape || SqlScript.Parse("ALTER SYSTEM", statement).Statements.Count != 1)
        {
            throw new SeekapaException("InvalidSettingValue", FailureCategory.InvalidArgument,
                $"The server did not build a single ALTER SYSTEM statement for {before.Name}; nothing was changed.", before.Name);
        }

        try
        {
            await using var alter = new NpgsqlCommand(statement, connection);
            await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException pg) when (pg.SqlState == "42501")
        {
            throw new SeekapaException("PermissionDenied", FailureCategory.PermissionDenied,
                $"Role '{connection.UserName}' may not change {before.Name} with ALTER SYSTEM ({DatabaseErrors.Describe(pg)}). Nothing was changed.",
                before.Name,
                $"ALTER SYSTEM needs a superuser (or, on PostgreSQL 15+, GRANT ALTER SYSTEM ON PARAMETER {before.Name}). On Azure Database " +
                $"for PostgreSQL there is no superuser: change server parameters with {DatabaseErrors.AzureParameterCmdlet}.", pg);
        }
        catch (PostgresException pg) when (pg.SqlState is "22023" or "42704" or "22P02" or "55P02")
        {
            throw new SeekapaException("InvalidSettingValue", FailureCategory.InvalidArgument,
                $"PostgreSQL refused the value for {before.Name}: {DatabaseErrors.Describe(pg)}. Nothing was changed.", before.Name, null, pg);
        }

        string? warning = null;
        try
        {
            await ScalarAsync<bool>(connection, "SELECT pg_reload_conf()", ct).ConfigureAwait(false);
            if (!await WaitForReloadAsync(connection, loadedBefore, reloadWait, ct).ConfigureAwait(false))
            {
                warning = $"The configuration was reloaded but this session had not re-read it after {reloadWait.TotalSeconds:0} s: " +
                          "NewValue and PendingRestart may not show the change yet.";
            }
        }
        catch (PostgresException pg) when (pg.SqlState == "42501")
        {
            warning = $"{before.Name} was written to postgresql.auto.conf, but role '{connection.UserName}' may not run pg_reload_conf(): " +
                      "it takes effect at the next reload (by a superuser, pg_ctl reload or SIGHUP) or restart.";
        }

        var after = await ReadAsync(connection, before.Name, ct).ConfigureAwait(false);
        return (new DatabaseSettingChange
        {
            Name = after.Name,
            OldValue = Shown(before.Name, before.Value, redact),
            RequestedValue = Shown(before.Name, value, redact),
            NewValue = Shown(after.Name, after.Value, redact),
            Context = after.Context,
            PendingRestart = after.PendingRestart,
            Time = DateTimeOffset.UtcNow,
        }, warning);
    }

    /// <summary>
    /// pg_reload_conf() only signals the postmaster, which then signals every backend; pg_conf_load_time() changes in this
    /// session once it has re-read the files, and only then does pg_settings here show the new state.
    /// </summary>
    private static async Task<bool> WaitForReloadAsync(NpgsqlConnection connection, DateTime before, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (await ScalarAsync<DateTime>(connection, "SELECT pg_conf_load_time()", ct).ConfigureAwait(false) > before)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static SeekapaException NotFound(string name) => new("SettingNotFound", FailureCategory.ObjectNotFound,
        $"'{name}' is not a PostgreSQL setting (pg_settings has no such name). Nothing was changed.", name,
        "Check the spelling: SHOW ALL in psql, or SELECT name FROM pg_settings, lists the settings this server has.");
}
