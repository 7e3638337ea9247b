using GrowHalo.Ingestion.Sync;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Settings;

/// <summary>
/// PATCH /api/v1/tenant (admin): change name, time zone, reporting currency, or the abandoned-checkout settings
/// (abandoned_checkout_minutes 5–10080, recovery_window_days 1–90); absent fields stay as they are.
/// A new time zone or currency re-projects the tenant's history by itself: a sync run of kind reproject
/// (its id in reprojection_run_id; follow it at /api/v1/sync/{id}).
/// </summary>
public static class ChangeTenantSettings
{
    public sealed record Request(string? Name, string? TimeZone, string? Currency, int? AbandonedCheckoutMinutes = null, int? RecoveryWindowDays = null);

    [WolverinePatch("/api/v1/tenant", OperationId = "ChangeTenantSettings"), RequireScope(Scopes.Admin), Tags("Tenant")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> Patch(
        Request body, RequestTenant tenant, TenantStore tenants, SyncStarter sync, CancellationToken ct)
    {
        // A JSON null body reaches a Wolverine endpoint as null (the minimal API answered 400 for it).
        if (body is null) return Problems.Invalid("Nothing was changed: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        try
        {
            var changed = await tenants.UpdateAsync(tenant.Id, new TenantSettings(body.Name, null, body.TimeZone, body.Currency,
                body.AbandonedCheckoutMinutes, body.RecoveryWindowDays), ct);
            if (changed is null) return TenantResponse.Gone(tenant.Id);
            // Days and amounts already projected were computed in the old zone or currency: replay them in the new.
            var moved = changed.TimeZone != tenant.Tenant.TimeZone || changed.Currency != tenant.Tenant.Currency;
            var run = moved ? await sync.StartReprojectAsync(tenant.Id, ct) : null;
            return TypedResults.Ok(TenantResponse.From(changed) with { ReprojectionRunId = run?.Id });
        }
        catch (InvalidSettingsException e)
        {
            return TypedResults.ValidationProblem(e.Errors, "Nothing was changed: " + e.Message, title: "Bad request");
        }
    }
}
