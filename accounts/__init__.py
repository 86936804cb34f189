"""Users, sign-in, two-step codes and the three roles. May import only `audit`."""
