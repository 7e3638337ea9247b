using System.Xml.Linq;
using GrowHalo.Ingestion.Connections;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// ASP.NET Core Data Protection's key ring (the keys that sign and encrypt session cookies) in PostgreSQL, so every
/// node of a deployment reads the cookies any other node wrote, and a restart does not sign everyone out.
/// </summary>
public sealed class DataProtectionKeyStore(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = dataSource.CreateCommand("select xml from data_protection_keys order by created_at, name");
        using var r = cmd.ExecuteReader();
        var list = new List<XElement>();
        while (r.Read()) list.Add(XElement.Parse(r.GetString(0)));
        return list;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = dataSource.Command("insert into data_protection_keys (name, xml) values ($1, $2) on conflict (name) do nothing",
            friendlyName, element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}

/// <summary>Seals each Data Protection key with GrowHalo's secret key (<see cref="SecretBox"/>) before it is stored.</summary>
public sealed class SecretBoxXmlEncryptor(SecretBox box) : IXmlEncryptor
{
    internal const string Context = "data_protection_keys.xml";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("sealed", Convert.ToBase64String(box.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting), Context))),
            typeof(SecretBoxXmlDecryptor));
}

/// <summary>Opens what <see cref="SecretBoxXmlEncryptor"/> sealed; Data Protection makes it with the service provider.</summary>
public sealed class SecretBoxXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretBox>().Open(Convert.FromBase64String(encryptedElement.Value), SecretBoxXmlEncryptor.Context));
}
