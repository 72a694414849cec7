//! Typed ids. Discord snowflakes fit in 63 bits, so they are stored as SQLite INTEGERs; the
//! conversion happens only at the storage boundary.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $inner);

        impl $name {
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A Discord server.
    GuildId(u64)
);
id!(
    /// A Discord channel a schedule posts to.
    ChannelId(u64)
);
id!(
    /// A Discord user: a member answering questions.
    UserId(u64)
);
id!(
    /// A Discord role a schedule may mention when it posts.
    RoleId(u64)
);
id!(
    /// A schedule row.
    ScheduleId(i64)
);
id!(
    /// A posted question row: one per schedule and local date.
    PostId(i64)
);
id!(
    /// An on-demand quiz row.
    QuizId(i64)
);
id!(
    /// A `/review` prompt row: one due card shown to its member.
    ReviewId(i64)
);
id!(
    /// A mock interview row.
    MockId(i64)
);
