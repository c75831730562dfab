using System.CommandLine;
using System.Security.Cryptography;
using System.Text;

namespace Backend.Cli.Commands;

/// <summary><c>keys generate|upload|show</c>: the business key pair of the flow endpoint.</summary>
public static class KeysCommand
{
    /// <summary>Default environment variable holding the private key passphrase.</summary>
    public const string PassphraseVariable = "WHATSAPP_KEY_PASSPHRASE";

    /// <summary>PBKDF2 iterations of the encrypted PKCS#8 key (OpenSSL 3 uses 2048; this is stronger, still fast to load once).</summary>
    public const int Pbkdf2Iterations = 100_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var keys = new Command("keys", "Business encryption keys: generate an RSA-2048 key pair, upload the public key to Meta, show what Meta has.");
        keys.Subcommands.Add(Generate(cli));
        keys.Subcommands.Add(Upload(cli));
        keys.Subcommands.Add(Show(cli));
        return keys;
    }

    private static Command Generate(CliContext cli)
    {
        var privateKey = new Option<FileInfo>("--private-key")
        {
            HelpName = "file",
            Description = "Where to write the private key (mode 0600).",
            DefaultValueFactory = _ => new FileInfo("private.pem"),
        };
        var publicKey = new Option<FileInfo>("--public-key")
        {
            HelpName = "file",
            Description = "Where to write the public key PEM (SubjectPublicKeyInfo, 'BEGIN PUBLIC KEY'), the form Meta accepts.",
            DefaultValueFactory = _ => new FileInfo("public.pem"),
        };
        var format = new Option<string>("--format")
        {
            Description = "Private key format: encrypted-pkcs8 (AES-256-CBC, PBKDF2-SHA256; 'BEGIN ENCRYPTED PRIVATE KEY'), "
                + "pkcs8 (unencrypted 'BEGIN PRIVATE KEY') or pkcs1 (unencrypted 'BEGIN RSA PRIVATE KEY').",
            DefaultValueFactory = _ => "encrypted-pkcs8",
        };
        format.AcceptOnlyFromAmong("encrypted-pkcs8", "pkcs8", "pkcs1");
        var passphraseEnv = new Option<string>("--passphrase-env")
        {
            HelpName = "variable",
            Description = $"Environment variable holding the passphrase of an encrypted key; when it is unset the passphrase is prompted for (twice).",
            DefaultValueFactory = _ => PassphraseVariable,
        };
        var force = new Option<bool>("--force") { Description = "Overwrite existing key files." };

        var command = new Command("generate", "Generate an RSA-2048 key pair for the flow endpoint. The private key stays on this machine; upload the public key with 'keys upload'.")
        {
            privateKey, publicKey, format, passphraseEnv, force,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var privatePath = parse.GetValue(privateKey)!.FullName;
            var publicPath = parse.GetValue(publicKey)!.FullName;
            var chosen = parse.GetValue(format)!;
            var overwrite = parse.GetValue(force);
            foreach (var path in new[] { privatePath, publicPath })
            {
                if (File.Exists(path) && !overwrite)
                {
                    throw new CliUsageException($"{path} exists; pass --force to overwrite it.");
                }
            }

            var passphrase = chosen == "encrypted-pkcs8" ? ReadPassphrase(cli, parse.GetValue(passphraseEnv)!) : null;

            using var rsa = RSA.Create(2048);
            var privatePem = chosen switch
            {
                "encrypted-pkcs8" => rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase,
                    new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Pbkdf2Iterations)),
                "pkcs8" => rsa.ExportPkcs8PrivateKeyPem(),
                _ => rsa.ExportRSAPrivateKeyPem(),
            };
            var publicPem = rsa.ExportSubjectPublicKeyInfoPem();

            await WriteSecretFileAsync(privatePath, privatePem + "\n", ct);
            await File.WriteAllTextAsync(publicPath, publicPem + "\n", ct);

            var description = chosen switch
            {
                "encrypted-pkcs8" => "encrypted PKCS#8, AES-256-CBC + PBKDF2-SHA256",
                "pkcs8" => "unencrypted PKCS#8",
                _ => "unencrypted PKCS#1",
            };
            await cli.Out.WriteLineAsync($"Private key ({description}, mode 0600): {privatePath}");
            await cli.Out.WriteLineAsync($"Public key: {publicPath}");
            await cli.Out.WriteLineAsync($"Fingerprint: SHA256:{Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())).TrimEnd('=')}");
            await cli.Out.WriteLineAsync(publicPem);
            if (chosen != "encrypted-pkcs8")
            {
                await cli.Error.WriteLineAsync("warning: the private key is not encrypted; keep it in a secret store.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Upload(CliContext cli)
    {
        var publicKey = new Option<FileInfo>("--public-key")
        {
            HelpName = "file",
            Description = "Public key PEM to register (a private key is refused).",
            DefaultValueFactory = _ => new FileInfo("public.pem"),
        };
        var command = new Command("upload", "Register the business public key for the phone number (POST /{PHONE-NUMBER-ID}/whatsapp_business_encryption). Repeat for each phone number.")
        {
            publicKey,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var path = parse.GetValue(publicKey)!.FullName;
            var pem = await File.ReadAllTextAsync(path, ct);
            await using var graph = CliRunner.OpenGraph(parse, cli, needPhone: true);
            await graph.Client.SetBusinessPublicKeyAsync(pem, cancellationToken: ct);
            await cli.Out.WriteLineAsync($"Uploaded {path} as the business public key of phone number {graph.Settings.PhoneNumberId}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var command = new Command("show", "Show the business public key Meta holds for the phone number and its signature status.");
        command.SetAction(cli, async (parse, ct) =>
        {
            await using var graph = CliRunner.OpenGraph(parse, cli, needPhone: true);
            var info = await graph.Client.GetBusinessPublicKeyAsync(cancellationToken: ct);
            await cli.Out.WriteLineAsync($"Signature status: {info.SignatureStatus ?? "(not reported)"}");
            await cli.Out.WriteLineAsync(info.BusinessPublicKey.TrimEnd());
            return info.IsSignatureValid ? ExitCodes.Ok : ExitCodes.ApiOrValidationError;
        });
        return command;
    }

    private static string ReadPassphrase(CliContext cli, string variable)
    {
        var fromEnv = cli.Environment(variable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return CheckPassphrase(fromEnv);
        }

        if (cli.ReadSecret is null)
        {
            throw new CliUsageException($"No passphrase: set {variable} (or choose another variable with --passphrase-env), run in a terminal to be prompted, or use --format pkcs8.");
        }

        var first = cli.ReadSecret("Passphrase for the private key: ") ?? "";
        var second = cli.ReadSecret("Repeat the passphrase: ") ?? "";
        return first == second ? CheckPassphrase(first) : throw new CliUsageException("The passphrases differ.");
    }

    private static string CheckPassphrase(string passphrase) =>
        passphrase.Length >= 8 ? passphrase : throw new CliUsageException("The passphrase must have at least 8 characters.");

    /// <summary>Creates the file with mode 0600 from the start, so the key is never readable by others.</summary>
    private static async Task WriteSecretFileAsync(string path, string content, CancellationToken ct)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, options))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(content), ct);
        }

        if (!OperatingSystem.IsWindows())
        {
            // The create mode is filtered by the umask; set it explicitly too.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
