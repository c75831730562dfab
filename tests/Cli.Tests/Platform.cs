// The tests check Unix file modes (0600 private keys, config file permissions).
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
