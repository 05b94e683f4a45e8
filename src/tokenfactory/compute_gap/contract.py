"""What the compute-gap chapter publishes for the claims ledger (C1, C2, C3, C5) and the book's pages.
It reads no other chapter. See `tokenfactory.contract`."""

from ..contract import Contract, Output

M, X, S = "months", "ratio (×)", "fraction"

CONTRACT = Contract(
    chapter="compute_gap",
    publishes=(
        Output("capex_cagr", "fraction per year", "share"),
        Output("capex_cagr_recent", "fraction per year", "share"),
        Output("capex_others_cagr_recent", "fraction per year", "share"),
        Output("capex_total_latest_usd_bn", "USD billion"),
        Output("current_lag_months", M),
        Output("lag_average_start", "", "date"),
        Output("lag_average_end", "", "date"),
        Output("lag_average_n", "models", "count"),
        Output("lag_epoch_2025_time_months", M),
        Output("lag_trend_low", "months per year"),
        Output("lag_trend_high", "months per year"),
        Output("leaderboard", "", "text"),
        Output("leadership_data_end", "", "date"),
        Output("leadership_windows_n", "windows", "count"),
        Output("n_records", "records", "count"),
        Output("open_lag_months_average", M),
        Output("open_lag_months_latest", M),
        Output("open_lag_trend_months_per_year", "months per year"),
        Output("tol_current_max", M),
        Output("training_compute_closed_open_ratio", X),
        Output("training_compute_gap_date", "", "date"),
        Output("training_compute_lag_at_epoch_months", M),
        Output("training_compute_n_closed", "runs", "count"),
        Output("training_compute_n_open", "runs", "count"),
        Output("training_compute_open_lag_months", M),
        Output("training_compute_open_lag_low", M),
        Output("training_compute_open_lag_high", M),
        Output("training_compute_ratio_at_epoch", X),
        Output("training_compute_ratio_low", X),
        Output("training_compute_ratio_high", X),
        Output("unmatched_lag_months", M),
        Output("window_detectable_change", X),
        Output("window_n", "windows", "count"),
        Output("window_power_at_reference", S, "share"),
        Output("window_trend_p", "p-value", "share"),
        Output("window_trend_reference", X),
        Output("window_trend_rho", "Spearman rho"),
    ),
)
