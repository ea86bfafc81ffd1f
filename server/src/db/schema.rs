// The tables, as diesel sees them (kept in step with migrations/).

diesel::table! {
    elections (id) {
        id -> Text,
        config -> Text,
        last_seq -> BigInt,
    }
}

diesel::table! {
    municipalities (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    stations (id) {
        id -> Text,
        election_id -> Text,
        municipality_code -> Text,
        number -> Integer,
        district -> Nullable<Text>,
        subarea -> Nullable<Text>,
        config -> Text,
        day -> Text,
        last_event_seq -> BigInt,
        last_seen_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    activation_codes (code_hash) {
        code_hash -> Text,
        station_id -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        revoked -> Integer,
    }
}

diesel::table! {
    devices (id) {
        id -> Text,
        station_id -> Text,
        token_id -> Text,
        revoked -> Integer,
        last_processed_seq -> BigInt,
        activated_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    operations (device_id, id) {
        id -> Text,
        device_id -> Text,
        device_seq -> BigInt,
        station_id -> Text,
        accepted -> Integer,
        event_seq -> Nullable<BigInt>,
        reject_code -> Nullable<Text>,
        reject_message -> Nullable<Text>,
        reject_fields -> Nullable<Text>,
    }
}

diesel::table! {
    events (election_id, seq) {
        election_id -> Text,
        seq -> BigInt,
        station_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        recorded_at -> BigInt,
        committed_at -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        municipality_code -> Nullable<Text>,
        created_at -> BigInt,
        disabled -> Integer,
        tokens_valid_after -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> BigInt,
        revoked -> Integer,
        family -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> BigInt,
        actor -> Text,
        action -> Text,
        subject -> Text,
        payload -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        last_id -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    personal_keys (scope) {
        scope -> Text,
        key_hex -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    personal_values (scope, reference) {
        scope -> Text,
        reference -> Text,
        value -> Text,
    }
}

diesel::table! {
    candidates (election_id, id) {
        election_id -> Text,
        id -> Text,
        municipality_code -> Text,
        person -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    convocations (election_id, candidate_id) {
        election_id -> Text,
        candidate_id -> Text,
        station_id -> Text,
        role -> Text,
        status -> Text,
        decline_reason -> Nullable<Text>,
        updated_at -> BigInt,
        answer_code_hash -> Nullable<Text>,
        answer_code_expires_at -> Nullable<BigInt>,
        answered_at -> Nullable<BigInt>,
        availability -> Nullable<Text>,
    }
}

diesel::table! {
    service_history (person_id, election_id) {
        person_id -> Text,
        municipality_code -> Text,
        election_id -> Text,
        service -> Text,
        served_at -> BigInt,
    }
}

diesel::table! {
    counting_offices (election_id, municipality_code, number) {
        election_id -> Text,
        municipality_code -> Text,
        number -> Integer,
        name -> Text,
        linked_at -> BigInt,
        result -> Nullable<Text>,
        confirmed_warnings -> Nullable<Text>,
        entered_by -> Nullable<Text>,
        entered_at -> Nullable<BigInt>,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<BigInt>,
        locked_by -> Nullable<Text>,
        locked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    counting_office_stations (election_id, station_id) {
        election_id -> Text,
        station_id -> Text,
        municipality_code -> Text,
        office_number -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    stations,
    municipalities,
    elections,
    devices,
    activation_codes
);
