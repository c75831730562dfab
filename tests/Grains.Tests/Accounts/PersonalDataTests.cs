using System.Security.Cryptography;
using Backend.Grains.Accounts;
using Backend.Grains.Hosting;
using Backend.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Backend.Grains.Tests.Accounts;

public sealed class PersonalDataProtectorTests
{
    private static readonly PersonalData Ana = new("Ana.Lima@example.com", "Ana", "Lima");

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static PersonalDataProtector Protector(string? key, params string[] previous) =>
        new(Options.Create(new AccountOptions { DataKey = key, PreviousDataKeys = [.. previous] }));

    [Fact]
    public void SealedDataOpensForItsAccountOnlyAndHoldsNothingInClear()
    {
        var protector = Protector(NewKey());
        var sealedValue = protector.Seal(Ana, "account-a")!;

        Assert.Equal(Ana, protector.Open<PersonalData>(sealedValue, "account-a"));
        Assert.Null(protector.Open<PersonalData>(sealedValue, "account-b"));
        Assert.DoesNotContain("example.com", sealedValue, StringComparison.Ordinal);
        Assert.NotEqual(sealedValue, protector.Seal(Ana, "account-a")); // a fresh nonce each time
    }

    [Fact]
    public void ATamperedValueDoesNotOpen()
    {
        var protector = Protector(NewKey());
        var parts = protector.Seal(Ana, "a")!.Split(':');
        var bytes = Convert.FromBase64String(parts[2]);
        bytes[^1] ^= 1;
        Assert.Null(protector.Open<PersonalData>($"{parts[0]}:{parts[1]}:{Convert.ToBase64String(bytes)}", "a"));
        Assert.Null(protector.Open<PersonalData>("not sealed", "a"));
        Assert.Null(protector.Open<PersonalData>(null, "a"));
    }

    [Fact]
    public void APreviousKeyStillOpensWhatItSealedUntilItIsRemoved()
    {
        var (old, current) = (NewKey(), NewKey());
        var sealedBefore = Protector(old).Seal(Ana, "a")!;

        Assert.Equal(Ana, Protector(current, old).Open<PersonalData>(sealedBefore, "a"));
        Assert.Null(Protector(current).Open<PersonalData>(sealedBefore, "a"));
        Assert.Equal(Ana, Protector(current).Open<PersonalData>(Protector(current, old).Seal(Ana, "a"), "a")); // new seals use the current key
    }

    [Fact]
    public void WithoutAKeyNothingIsSealed()
    {
        var protector = Protector(null);
        Assert.False(protector.CanSeal);
        Assert.Null(protector.Seal(Ana, "a"));
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    public void AKeyThatIsNot32BytesIsRefused(string key) =>
        Assert.Throws<OptionsValidationException>(() => Protector(key));

    [Theory]
    [InlineData("ana.lima@example.com", "a***@example.com")]
    [InlineData("  x@y.org ", "x***@y.org")]
    [InlineData("no-at-sign", "***")]
    public void EmailsAreMaskedToTheirFirstCharacterAndDomain(string email, string masked) =>
        Assert.Equal(masked, PersonalDataProtector.Mask(email));
}

/// <summary>Accounts on PostgreSQL keep their person sealed; one stored in clear by an earlier version is sealed when activated.</summary>
public sealed class SealedAccountTests(PostgresGrainCluster cluster) : IClassFixture<PostgresGrainCluster>
{
    [Fact]
    public async Task ARegisteredAccountStoresItsEmailAndNamesOnlySealed()
    {
        var email = $"sealed-{Guid.NewGuid():N}@example.com";
        var user = cluster.Grains.GetUser(email);
        await user.Register(new Registration("Ana", "Quintanilha", email, "S3cret-pass1", "request-1"));

        var stored = await PayloadAsync(email);
        Assert.DoesNotContain(email, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Quintanilha", stored, StringComparison.Ordinal);
        Assert.Contains("s***@example.com", stored, StringComparison.Ordinal);
        var profile = await user.GetProfile();
        Assert.Equal((email, "Ana", "Quintanilha", true), (profile!.Email, profile.FirstName, profile.LastName, profile.Sealed));
    }

    [Fact]
    public async Task AnAccountStoredInClearBeforeIsSealedWhenItIsActivated()
    {
        var email = $"legacy-{Guid.NewGuid():N}@example.com";
        var hash = new PasswordHasher().Hash("S3cret-pass1");
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO grain_state (service_id, grain_type, grain_key, state_name, version, payload) VALUES ('grain-tests', 'user', $1, 'account', 1, $2)",
                connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = AccountKey.Of(email) });
            insert.Parameters.Add(new NpgsqlParameter
            {
                Value = $$"""{"email":"{{email}}","firstName":"Bea","lastName":"Quintanilha","passwordHash":"{{hash}}","registeredAt":"2026-01-01T00:00:00+00:00","registrationFingerprint":"x"}""",
            });
            await insert.ExecuteNonQueryAsync();
        }

        var user = cluster.Grains.GetUser(email);
        var profile = await user.GetProfile();

        Assert.Equal((email, "Bea", "Quintanilha", true), (profile!.Email, profile.FirstName, profile.LastName, profile.Sealed));
        Assert.True(await user.VerifyPassword("S3cret-pass1"));
        var stored = await PayloadAsync(email);
        Assert.DoesNotContain(email, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Quintanilha", stored, StringComparison.Ordinal);
    }

    private async Task<string> PayloadAsync(string email)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT payload::text FROM grain_state WHERE grain_type = 'user' AND grain_key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = AccountKey.Of(email) });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
