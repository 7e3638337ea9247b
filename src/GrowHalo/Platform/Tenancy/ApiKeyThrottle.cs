using System.Globalization;
using GrowHalo.Platform.Accounts;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>Settings under "ApiKeys": how many unrecognised keys one client address may send before it is refused.</summary>
public sealed class ApiKeyThrottleOptions
{
    /// <summary>Unrecognised x-api-key values from one client address within <see cref="ThrottleWindow"/> before its key requests get 429.</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    public TimeSpan ThrottleWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Throttles API-key guessing: each x-api-key that matches no key counts against the client address, in PostgreSQL
/// (the login throttle's table, <c>login_attempts</c>, under keys <c>api-key-address:…</c>), so every node sees the
/// same count. Once an address reaches the limit, its requests carrying an x-api-key get 429 with Retry-After until
/// the window ends, before the key is looked up. Revoked and expired keys are known keys and do not count.
/// </summary>
public sealed class ApiKeyThrottle(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<ApiKeyThrottleOptions> options)
{
    /// <summary>How long until this address may send keys again; null when it may now.</summary>
    public async Task<TimeSpan?> BlockedForAsync(string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.Command(
            "select window_ends_at from login_attempts where key = $1 and failures >= $2 and window_ends_at > $3",
            Key(address), options.Value.MaxFailuresPerAddress, now);
        return await cmd.ExecuteScalarAsync(ct) is DateTime until ? new DateTimeOffset(until, TimeSpan.Zero) - now : null;
    }

    public async Task FailedAsync(string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.Command("""
            insert into login_attempts (key, failures, window_ends_at) values ($1, 1, $2 + $3)
            on conflict (key) do update set
                failures = case when login_attempts.window_ends_at <= $2 then 1 else login_attempts.failures + 1 end,
                window_ends_at = case when login_attempts.window_ends_at <= $2 then $2 + $3 else login_attempts.window_ends_at end
            """, Key(address), now, options.Value.ThrottleWindow);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Key(string address) => "api-key-address:" + address;

    /// <summary>Answers 429 to a request carrying an x-api-key from an address over the limit; others go on.</summary>
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.ContainsKey(ApiKeyAuthentication.Header))
        {
            var throttle = context.RequestServices.GetRequiredService<ApiKeyThrottle>();
            if (await throttle.BlockedForAsync(AccountsModule.ClientAddress(context), context.RequestAborted) is { } wait)
            {
                var (status, title, detail) = throttle.Refusal(context, wait);
                await Problems.Write(context, status, title, detail);
                return;
            }
        }
        await next(context);
    }

    /// <summary>The 429 for an address over the limit (Retry-After set on the response), for endpoints taking a key in their body.</summary>
    public ProblemHttpResult TooMany(HttpContext context, TimeSpan wait)
    {
        var (status, title, detail) = Refusal(context, wait);
        return TypedResults.Problem(detail, statusCode: status, title: title);
    }

    private (int Status, string Title, string Detail) Refusal(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var o = options.Value;
        return (StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This client address sent {o.MaxFailuresPerAddress} or more API keys that are not recognised within " +
            $"{o.ThrottleWindow.TotalMinutes:0} minutes; API keys from it are refused for {seconds} s. " +
            "Check the key your client sends (keys start with ghk_), then retry after that.");
    }
}
