namespace Backend.FlowCatalog.SignUp;

/// <summary>The names the sign-up flow's JSON and its handlers share: the flow, its screens, fields and data.</summary>
public static class SignUpNames
{
    /// <summary>The flow's name: <c>POST /flows/sign_up</c>.</summary>
    public const string Flow = "sign_up";

    /// <summary>Screen ids.</summary>
    public static class Screens
    {
        public const string Start = "START";
        public const string SignUp = "SIGN_UP";
        public const string Login = "LOGIN";
        public const string LoginSuccess = "LOGIN_SUCCESS";
    }

    /// <summary>Form fields, and the keys of the data their screens send to the endpoint.</summary>
    public static class Fields
    {
        public const string FirstName = "first_name";
        public const string LastName = "last_name";
        public const string Email = "email";
        public const string Password = "password";
        public const string ConfirmPassword = "confirm_password";
        public const string StayLoggedIn = "stay_logged_in";
    }

    /// <summary>Screen data: the initial values of SIGN_UP's and LOGIN's fields.</summary>
    public static class Data
    {
        public const string FirstNameInitial = "first_name_initial_value";
        public const string LastNameInitial = "last_name_initial_value";
        public const string EmailInitial = "email_initial_value";
        public const string PasswordInitial = "password_initial_value";
        public const string ConfirmPasswordInitial = "confirm_password_initial_value";
    }
}
