using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Seekapa.Ops.Core.Azure;

/// <summary>Where a long-running operation stands: InProgress, Succeeded, Failed or Canceled, with ARM's error when it failed.</summary>
public sealed record ArmOperationState(string Status, TimeSpan Elapsed, int Polls, string? ErrorCode = null, string? ErrorMessage = null,
    JsonNode? Body = null)
{
    public bool IsTerminal => Status is "Succeeded" or "Failed" or "Canceled";
    public bool Succeeded => Status == "Succeeded";
}

/// <summary>
/// Polls an ARM long-running operation the way Azure.Core does (specs/azure-arm.md "SDK behaviour"): Azure-AsyncOperation
/// first (its body's status), else Location (202 = still running, 200/204 = done); Retry-After / retry-after-ms honoured,
/// otherwise 1,1,1,2,4,8,16,32 s. A timeout returns the last InProgress state instead of throwing: the operation keeps
/// running in Azure and the caller says how to check on it.
/// </summary>
public sealed class ArmOperation
{
    private static readonly TimeSpan[] DefaultSchedule =
        new[] { 1, 1, 1, 2, 4, 8, 16, 32 }.Select(s => TimeSpan.FromSeconds(s)).ToArray();

    private readonly AzureSession _session;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeProvider _time;

    public ArmOperation(AzureSession session, Func<TimeSpan, CancellationToken, Task>? delay = null, TimeProvider? time = null)
    {
        _session = session;
        _delay = delay ?? Task.Delay;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The state right after the initiating request: done at once (200/201/204 without a polling header) or in progress.</summary>
    public static ArmOperationState Initial(ArmResponse response)
    {
        var pollable = response.Header("Azure-AsyncOperation") is not null || response.Header("Location") is not null;
        if (response.Status == 202 || (pollable && response.Status == 201))
        {
            return new ArmOperationState("InProgress", TimeSpan.Zero, 0, Body: response.Body);
        }

        var provisioning = response.Body?["properties"]?["provisioningState"]?.GetValue<string>();
        return provisioning is null or "Succeeded" or "Failed" or "Canceled" || !pollable
            ? new ArmOperationState("Succeeded", TimeSpan.Zero, 0, Body: response.Body)
            : new ArmOperationState("InProgress", TimeSpan.Zero, 0, Body: response.Body);
    }

    public async Task<ArmOperationState> WaitAsync(ArmResponse initial, TimeSpan timeout, IProgress<ArmOperationState>? progress,
        CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var state = Initial(initial);
        var asyncOperation = initial.Header("Azure-AsyncOperation");
        var location = initial.Header("Location");
        var retryAfter = RetryAfter(initial);
        var polls = 0;
        if (!state.IsTerminal)
        {
            // A URL the token must not go to fails now, not after the first wait.
            PollUrl(asyncOperation ?? location);
        }

        while (!state.IsTerminal)
        {
            var elapsed = _time.GetElapsedTime(started);
            var wait = retryAfter ?? DefaultSchedule[Math.Min(polls, DefaultSchedule.Length - 1)];
            if (elapsed + wait > timeout)
            {
                // Sleep out the rest of the budget once more, then report where it stands.
                var rest = timeout - elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await _delay(rest, cancellationToken).ConfigureAwait(false);
                }

                return state with { Elapsed = _time.GetElapsedTime(started), Polls = polls };
            }

            await _delay(wait, cancellationToken).ConfigureAwait(false);
            polls++;
            var url = PollUrl(asyncOperation ?? location);
            var response = await _session.SendRawAsync(RequestMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
            retryAfter = RetryAfter(response);
            elapsed = _time.GetElapsedTime(started);
            if (!response.IsSuccess)
            {
                throw AzureSession.ToException(response, RequestMethod.Get, url);
            }

            if (asyncOperation is not null)
            {
                var status = response.Body?["status"]?.GetValue<string>() ?? "InProgress";
                var error = response.Body?["error"];
                state = new ArmOperationState(Normalise(status), elapsed, polls, error?["code"]?.GetValue<string>(),
                    error?["message"]?.GetValue<string>(), response.Body);
            }
            else
            {
                state = response.Status == 202
                    ? new ArmOperationState("InProgress", elapsed, polls)
                    : new ArmOperationState("Succeeded", elapsed, polls, Body: response.Body);
                location = response.Header("Location") ?? location;
            }

            progress?.Report(state);
        }

        return state with { Elapsed = _time.GetElapsedTime(started), Polls = polls };
    }

    /// <summary>
    /// The URL to poll, or AzureOperationUrlInvalid: the bearer token goes wherever it points, so only an absolute https
    /// URL on the Resource Manager we signed in to is followed (as ArmPaging does for nextLink).
    /// </summary>
    private Uri PollUrl(string? value)
    {
        var arm = _session.Cloud.ResourceManagerUrl;
        if (value is null)
        {
            throw new Errors.SeekapaException("AzureOperationUrlInvalid", Errors.FailureCategory.ProtocolError,
                "Resource Manager said the operation is running but gave no Azure-AsyncOperation or Location URL to follow it.", null,
                "Check the resource in the Azure portal; the operation may still be running.");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps
            || !string.Equals(url.Authority, arm.Authority, StringComparison.OrdinalIgnoreCase))
        {
            var shown = Uri.TryCreate(value, UriKind.Absolute, out var parsed) ? parsed.GetLeftPart(UriPartial.Path) : value;
            throw new Errors.SeekapaException("AzureOperationUrlInvalid", Errors.FailureCategory.ProtocolError,
                $"Resource Manager gave '{shown}' to follow the operation; only absolute https URLs on {arm.Authority} are followed " +
                "with the access token, so it was not polled.", shown,
                "Check the resource in the Azure portal; the operation may still be running.");
        }

        return url;
    }

    // ARM's statuses are case-insensitive in practice; keep the three terminal ones exact for callers.
    private static string Normalise(string status) => status.ToLowerInvariant() switch
    {
        "succeeded" => "Succeeded",
        "failed" => "Failed",
        "canceled" or "cancelled" => "Canceled",
        _ => status,
    };

    private static TimeSpan? RetryAfter(ArmResponse response)
    {
        if (response.Header("retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
        {
            return TimeSpan.FromMilliseconds(Math.Max(0, millis));
        }

        if (response.Header("Retry-After") is { } value)
        {
            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var delta = when - DateTimeOffset.UtcNow;
                return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
            }
        }

        return null;
    }
}
