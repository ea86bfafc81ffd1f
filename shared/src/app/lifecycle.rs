//! Where the app is in its life: reading its storage at start, running, running with
//! a `day` record it could not read, or trying an activation code. One state at a
//! time, so that no combination of flags can say two things at once.

/// An activation code being tried against a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activation {
    pub server_url: String,
    pub code: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Lifecycle {
    /// The stored state has not been read yet: the chair's taps wait, since they
    /// would act on an empty state.
    #[default]
    Unrestored,
    /// Running on the state read back from storage.
    Active,
    /// Running, but the stored `day` record could not be read. It is not overwritten,
    /// and no new report is made, until the server's welcome says where the sequence
    /// stands.
    StorageUnreadable,
    /// An activation code is being tried. `day_unreadable` is what the app goes back
    /// to when the attempt ends: `StorageUnreadable` if set, else `Active`.
    Activating {
        activation: Activation,
        day_unreadable: bool,
    },
}

impl Lifecycle {
    /// The stored state was read; `day_unreadable` if its `day` record could not be.
    /// Only the first reading counts.
    pub fn restored(&mut self, day_unreadable: bool) {
        if *self == Self::Unrestored {
            *self = Self::settled(day_unreadable);
        }
    }

    /// Starts trying `activation`, in place of any attempt already under way. Before
    /// storage is read there is nothing to activate: false, and nothing changes.
    pub fn begin_activation(&mut self, activation: Activation) -> bool {
        let day_unreadable = match self {
            Self::Unrestored => return false,
            Self::Active => false,
            Self::StorageUnreadable => true,
            Self::Activating { day_unreadable, .. } => *day_unreadable,
        };
        *self = Self::Activating {
            activation,
            day_unreadable,
        };
        true
    }

    /// Ends the activation under way, if any, and gives it back.
    pub fn end_activation(&mut self) -> Option<Activation> {
        let Self::Activating { day_unreadable, .. } = *self else {
            return None;
        };
        match std::mem::replace(self, Self::settled(day_unreadable)) {
            Self::Activating { activation, .. } => Some(activation),
            _ => None,
        }
    }

    /// The server's welcome said where the sequence stands: the stored `day` record
    /// may be written again.
    pub fn welcomed(&mut self) {
        match self {
            Self::StorageUnreadable => *self = Self::Active,
            Self::Activating { day_unreadable, .. } => *day_unreadable = false,
            Self::Unrestored | Self::Active => {}
        }
    }

    #[must_use]
    pub fn is_restored(&self) -> bool {
        *self != Self::Unrestored
    }

    /// The activation under way, if any.
    #[must_use]
    pub fn activation(&self) -> Option<&Activation> {
        match self {
            Self::Activating { activation, .. } => Some(activation),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_activating(&self) -> bool {
        self.activation().is_some()
    }

    /// Whether the stored `day` record could not be read and the server has not yet
    /// said where the sequence stands: new reports wait, the record is not written.
    #[must_use]
    pub fn storage_unreadable(&self) -> bool {
        matches!(
            self,
            Self::StorageUnreadable
                | Self::Activating {
                    day_unreadable: true,
                    ..
                }
        )
    }

    const fn settled(day_unreadable: bool) -> Self {
        if day_unreadable {
            Self::StorageUnreadable
        } else {
            Self::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activation(code: &str) -> Activation {
        Activation {
            server_url: "wss://server".into(),
            code: code.into(),
        }
    }

    #[test]
    fn only_the_first_reading_of_storage_counts() {
        let mut lifecycle = Lifecycle::default();
        assert!(!lifecycle.is_restored());
        lifecycle.restored(true);
        assert_eq!(lifecycle, Lifecycle::StorageUnreadable);
        lifecycle.restored(false);
        assert_eq!(lifecycle, Lifecycle::StorageUnreadable);
    }

    #[test]
    fn nothing_is_activated_before_storage_is_read() {
        let mut lifecycle = Lifecycle::Unrestored;
        assert!(!lifecycle.begin_activation(activation("a")));
        assert_eq!(lifecycle, Lifecycle::Unrestored);
        assert_eq!(lifecycle.end_activation(), None);
    }

    /// A device whose token was revoked before any welcome is activated again while
    /// its `day` record is still unreadable: a failed attempt must not make the record
    /// writable.
    #[test]
    fn an_activation_keeps_an_unreadable_day_record_unwritten() {
        let mut lifecycle = Lifecycle::StorageUnreadable;
        assert!(lifecycle.begin_activation(activation("a")));
        assert!(lifecycle.storage_unreadable());
        assert!(lifecycle.begin_activation(activation("b")));
        assert_eq!(lifecycle.activation(), Some(&activation("b")));
        assert_eq!(lifecycle.end_activation(), Some(activation("b")));
        assert_eq!(lifecycle, Lifecycle::StorageUnreadable);
        assert_eq!(lifecycle.end_activation(), None);
    }

    #[test]
    fn a_welcome_makes_the_day_record_writable_in_any_running_state() {
        let mut lifecycle = Lifecycle::StorageUnreadable;
        lifecycle.welcomed();
        assert_eq!(lifecycle, Lifecycle::Active);

        let mut lifecycle = Lifecycle::StorageUnreadable;
        lifecycle.begin_activation(activation("a"));
        lifecycle.welcomed();
        assert!(lifecycle.is_activating());
        assert!(!lifecycle.storage_unreadable());
        assert_eq!(lifecycle.end_activation(), Some(activation("a")));
        assert_eq!(lifecycle, Lifecycle::Active);
    }
}
