using Backend.Grains.Accounts;

namespace Backend.Grains.Tests.Accounts;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new();

    [Fact]
    public void AHashVerifiesItsPasswordAndNoOther()
    {
        var hash = _hasher.Hash("S3cret-pass");
        Assert.True(PasswordHasher.Verify("S3cret-pass", hash));
        Assert.False(PasswordHasher.Verify("S3cret-pasS", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void EachHashHasItsOwnSaltAndRecordsItsParameters()
    {
        var first = _hasher.Hash("same");
        var second = _hasher.Hash("same");
        Assert.NotEqual(first, second);
        Assert.StartsWith("pbkdf2-sha256$100000$", first);
        Assert.DoesNotContain("same", first);
    }

    [Fact]
    public void HashesWrittenBeforeTheIterationsWereRaisedStillVerify()
    {
        var old = new PasswordHasher(100_000).Hash("pw1");
        var stronger = new PasswordHasher(200_000).Hash("pw1");
        Assert.StartsWith("pbkdf2-sha256$200000$", stronger);
        Assert.True(PasswordHasher.Verify("pw1", old));
        Assert.False(PasswordHasher.Verify("pw2", old));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("md5$1$AAAA$BBBB")]
    [InlineData("pbkdf2-sha256$x$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not-base64$AAAA")]
    public void MalformedStoredHashesNeverVerify(string stored) => Assert.False(PasswordHasher.Verify("anything", stored));

    [Fact]
    public void FewerThan100000IterationsAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(10_000));
}
