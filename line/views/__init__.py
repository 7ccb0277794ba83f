"""The line's screens: station tablets (sign-in, station, step), tablet binding, the help board."""
