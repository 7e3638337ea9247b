using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// Counts failed logins per e-mail and per client address in PostgreSQL (so every node sees the same counts) over a
/// fixed window. Once either count reaches its limit, logins for that e-mail or from that address are refused with
/// 429 until the window ends, whatever the password. A successful login clears the e-mail's count.
/// E-mails are counted by their SHA-256, so the table holds no addresses.
/// </summary>
public sealed class LoginThrottle(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AccountOptions> options)
{
    /// <summary>How long until a login for this e-mail from this address may be tried again; null when it may now.</summary>
    public async Task<TimeSpan?> BlockedForAsync(string email, string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.Command("""
            select max(window_ends_at) from login_attempts
            where window_ends_at > $5 and ((key = $1 and failures >= $2) or (key = $3 and failures >= $4))
            """, EmailKey(email), options.Value.MaxFailuresPerEmail, AddressKey(address), options.Value.MaxFailuresPerAddress, now);
        // Npgsql answers a timestamptz scalar as a UTC DateTime.
        return await cmd.ExecuteScalarAsync(ct) is DateTime until ? new DateTimeOffset(until, TimeSpan.Zero) - now : null;
    }

    public async Task FailedAsync(string email, string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.Command("""
            insert into login_attempts (key, failures, window_ends_at) select k, 1, $2 + $3 from unnest($1::text[]) k
            on conflict (key) do update set
                failures = case when login_attempts.window_ends_at <= $2 then 1 else login_attempts.failures + 1 end,
                window_ends_at = case when login_attempts.window_ends_at <= $2 then $2 + $3 else login_attempts.window_ends_at end
            """, new[] { EmailKey(email), AddressKey(address) }, now, options.Value.ThrottleWindow);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task SucceededAsync(string email, CancellationToken ct)
    {
        await using var cmd = dataSource.Command("delete from login_attempts where key = $1", EmailKey(email));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string EmailKey(string email) => "email:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));

    private static string AddressKey(string address) => "address:" + address;
}
