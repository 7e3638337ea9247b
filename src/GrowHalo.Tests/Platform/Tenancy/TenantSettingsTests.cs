using System.Net;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>GET and PATCH /api/v1/tenant: a tenant's name, IANA time zone and ISO 4217 reporting currency.</summary>
public sealed class TenantSettingsTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    [Fact]
    public async Task an_admin_changes_name_time_zone_and_currency_and_reads_them_back()
    {
        var tenant = await app.CreateTenantAsync("Settler", scopes: Scopes.Admin);

        var changed = await tenant.PatchTenantAsync(new { name = "Settler Coffee", time_zone = "europe/berlin", currency = "eur" }).JsonAsync();
        Assert.Equal("Europe/Berlin", changed.Str("time_zone"));
        Assert.Equal("EUR", changed.Str("currency"));

        var read = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal("Settler Coffee", read.Str("name"));
        Assert.Equal("Europe/Berlin", read.Str("time_zone"));
        Assert.Equal("EUR", read.Str("currency"));
        Assert.Equal(tenant.Tenant.Slug, read.Str("slug"));
    }

    [Fact]
    public async Task a_patch_with_only_one_field_leaves_the_others_as_they_were()
    {
        var tenant = await app.CreateTenantAsync("Partial", "Asia/Tokyo", "JPY", Scopes.Admin);
        var changed = await tenant.PatchTenantAsync(new { currency = "GBP" }).JsonAsync();
        Assert.Equal("GBP", changed.Str("currency"));
        Assert.Equal("Asia/Tokyo", changed.Str("time_zone"));
        Assert.Equal(tenant.Tenant.Name, changed.Str("name"));
    }

    [Fact]
    public async Task a_bad_time_zone_or_currency_is_400_naming_each_field_and_nothing_changes()
    {
        var tenant = await app.CreateTenantAsync("Strict", scopes: Scopes.Admin);

        var problem = await tenant.PatchTenantAsync(new { name = "Half Done", time_zone = "Mars/Olympus_Mons", currency = "XYZ" },
            HttpStatusCode.BadRequest).JsonAsync();
        var errors = problem.GetProperty("errors");
        Assert.Contains("Mars/Olympus_Mons", errors.GetProperty("time_zone")[0].GetString());
        Assert.Contains("Europe/Berlin", errors.GetProperty("time_zone")[0].GetString());
        Assert.Contains("ISO 4217", errors.GetProperty("currency")[0].GetString());

        var read = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal(tenant.Tenant.Name, read.Str("name"));
        Assert.Equal("UTC", read.Str("time_zone"));
        Assert.Equal("USD", read.Str("currency"));
    }

    [Fact]
    public async Task a_windows_time_zone_name_is_refused_with_its_iana_name_as_the_fix()
    {
        var tenant = await app.CreateTenantAsync("Windowsy", scopes: Scopes.Admin);
        var problem = await tenant.PatchTenantAsync(new { time_zone = "Pacific Standard Time" }, HttpStatusCode.BadRequest).JsonAsync();
        Assert.Contains("America/Los_Angeles", problem.GetProperty("errors").GetProperty("time_zone")[0].GetString());
    }

    [Fact]
    public async Task an_empty_name_is_refused()
    {
        var tenant = await app.CreateTenantAsync("Named", scopes: Scopes.Admin);
        var problem = await tenant.PatchTenantAsync(new { name = "   " }, HttpStatusCode.BadRequest).JsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task checkout_settings_default_to_an_hour_and_a_week_and_change_by_patch()
    {
        var tenant = await app.CreateTenantAsync("Checkouts", scopes: Scopes.Admin);
        var before = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal(60, before.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Equal(7, before.GetProperty("recovery_window_days").GetInt32());

        var changed = await tenant.PatchTenantAsync(new { abandoned_checkout_minutes = 180 }).JsonAsync();
        Assert.Equal(180, changed.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Equal(7, changed.GetProperty("recovery_window_days").GetInt32());

        await tenant.PatchTenantAsync(new { recovery_window_days = 30, currency = "EUR" });
        var read = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal(180, read.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Equal(30, read.GetProperty("recovery_window_days").GetInt32());
        Assert.Equal("EUR", read.Str("currency"));
    }

    [Theory]
    [InlineData(4, 7, "abandoned_checkout_minutes")]
    [InlineData(10081, 7, "abandoned_checkout_minutes")]
    [InlineData(60, 0, "recovery_window_days")]
    [InlineData(60, 91, "recovery_window_days")]
    public async Task checkout_settings_out_of_bounds_are_a_400_naming_the_field_and_nothing_changes(int minutes, int days, string field)
    {
        var tenant = await app.CreateTenantAsync("Bounded", scopes: Scopes.Admin);

        var problem = await tenant.PatchTenantAsync(new { name = "Half Done", abandoned_checkout_minutes = minutes, recovery_window_days = days },
            HttpStatusCode.BadRequest).JsonAsync();
        var errors = problem.GetProperty("errors");
        Assert.Single(errors.EnumerateObject());
        var message = errors.GetProperty(field)[0].GetString()!;
        Assert.Contains(field == "recovery_window_days" ? "from 1 to 90" : "from 5 to 10080", message);

        var read = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal(tenant.Tenant.Name, read.Str("name"));
        Assert.Equal(60, read.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Equal(7, read.GetProperty("recovery_window_days").GetInt32());
    }

    [Fact]
    public async Task a_checkout_setting_that_is_not_a_whole_number_is_a_400()
    {
        var tenant = await app.CreateTenantAsync("Wholly", scopes: Scopes.Admin);
        await tenant.PatchTenantAsync(new { abandoned_checkout_minutes = "an hour" }, HttpStatusCode.BadRequest);
        await tenant.PatchTenantAsync(new { recovery_window_days = 1.5 }, HttpStatusCode.BadRequest);
        var read = await app.ReadTenantAsync(tenant.ApiKey).JsonAsync();
        Assert.Equal(60, read.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Equal(7, read.GetProperty("recovery_window_days").GetInt32());
    }
}
