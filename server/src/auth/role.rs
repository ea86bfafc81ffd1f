use serde::{Deserialize, Serialize};

/// Staff roles. A closed set: tests loop over `ALL`, so a new role must be placed
/// in every route's declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Prepares the election: stations, codes, users. May act in every municipality
    /// when not bound to one.
    Administrator,
    /// Runs the control room: incidents, messages, resupply.
    Coordinator,
    /// Follows turnout and results; exports.
    Manager,
    /// Reads the control room; never sees results before closing.
    Viewer,
}

impl Role {
    pub const ALL: [Self; 4] = [
        Self::Administrator,
        Self::Coordinator,
        Self::Manager,
        Self::Viewer,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::Coordinator => "coordinator",
            Self::Manager => "manager",
            Self::Viewer => "viewer",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Staff {
        user_id: String,
        role: Role,
        municipality: Option<String>,
    },
    Device {
        device_id: String,
        station_id: String,
    },
    Public,
}

/// What a route allows. Every route declares one (DESIGN.md invariant 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Staff(&'static [Role]),
}

impl Access {
    #[must_use]
    pub fn allows(self, principal: &Principal) -> bool {
        match (self, principal) {
            (Self::Public, _) => true,
            (Self::Staff(roles), Principal::Staff { role, .. }) => roles.contains(role),
            (Self::Staff(_), _) => false,
        }
    }
}

impl Principal {
    /// Whether the principal may see or change `municipality`'s rows.
    #[must_use]
    pub fn covers(&self, municipality: &str) -> bool {
        match self {
            Self::Staff {
                municipality: None,
                role: Role::Administrator,
                ..
            } => true,
            Self::Staff {
                municipality: Some(m),
                ..
            } => m == municipality,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn municipality_boundaries() {
        let coordinator = Principal::Staff {
            user_id: "u".into(),
            role: Role::Coordinator,
            municipality: Some("GM0599".into()),
        };
        assert!(coordinator.covers("GM0599"));
        assert!(!coordinator.covers("GM0505"));
        let unbound_coordinator = Principal::Staff {
            user_id: "u".into(),
            role: Role::Coordinator,
            municipality: None,
        };
        assert!(
            !unbound_coordinator.covers("GM0599"),
            "only administrators may be unbound"
        );
        let admin = Principal::Staff {
            user_id: "a".into(),
            role: Role::Administrator,
            municipality: None,
        };
        assert!(admin.covers("GM0505"));
        assert!(!Principal::Public.covers("GM0599"));
    }
}
