"""The ``minettgeo check-policy`` command (registered on the main group in cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import (
    LAYERS_HELP,
    RESULTS_HELP,
    directory_option,
    draws_option,
    factor_options,
    file_option,
    results_option,
    seed_option,
)


@click.command("check-policy")
@click.argument("policy_file", type=click.Path(dir_okay=False, path_type=Path))
@directory_option(
    "--layers",
    "layers_dir",
    "layers",
    "directory holding the region's layers (region.gpkg, rasters)",
)
@directory_option(
    "--out",
    "out_dir",
    None,
    "folder for check.json, note_fr.html and note_en.html "
    "(default results/policy-checks/<policy file name>)",
)
@draws_option(100, 100_000, 1000, "Monte Carlo draws for the 90 % interval")
@seed_option
@factor_options
def check_policy_command(
    policy_file: Path,
    layers_dir: Path,
    out_dir: Path | None,
    draws: int,
    seed: int,
    gwp_set: str,
    overrides: tuple[Path, ...],
) -> None:
    """Does the decision in POLICY_FILE (YAML or JSON, format docs/policy.schema.json) raise or
    lower emissions? Prints the verdict; writes the JSON result and the council note in French
    and English."""
    from minettgeo.scenarios.policy import load_policy
    from minettgeo.scenarios.service import (
        CheckOptions,
        check_and_document,
        context_for,
        load_check_region,
        write_check,
    )

    policy = load_policy(policy_file)
    options = CheckOptions(draws=draws, seed=seed, gwp_set=gwp_set, overrides=overrides)
    region = load_check_region(layers_dir)
    ctx = context_for(region, options)
    result, doc = check_and_document(policy, ctx, options)
    target = out_dir or Path("results") / "policy-checks" / policy_file.stem
    written = write_check(doc, target)
    cum = result.totals["net_cumulative"]
    y2030 = result.totals["net_2030"]
    click.echo(
        f"{policy.title}: {result.verdict.upper()} emissions ({result.magnitude['label_en']}); "
        f"2030 {y2030.central:+,.0f} t CO2e/a [{y2030.p05:+,.0f}; {y2030.p95:+,.0f}], "
        f"cumulative to 2050 {cum.central:+,.0f} t CO2e [{cum.p05:+,.0f}; {cum.p95:+,.0f}]"
    )
    if result.amendments:
        click.echo(
            f"amendments that make it lower emissions at least cost: {len(result.amendments)} "
            f"(EUR {result.amended.get('cost_eur', 0):,.0f}); see the note"
        )
    for path in written:
        click.echo(f"  wrote {path}")


@click.command("trajectory")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@directory_option("--layers", "layers_dir", "layers", LAYERS_HELP)
@results_option(RESULTS_HELP)
@file_option(
    "--baseline",
    "baseline_table",
    "CSV of 2005 totals per commune and GPC row or sector (lau2, code, co2e_t, source; "
    "see examples/baseline_2005.csv); default: the scenario's, else the model's back-cast",
)
@directory_option(
    "--out",
    "out_dir",
    None,
    "folder for trajectory.csv, trajectory.json and the charts "
    "(default results/trajectories/<scenario file name>)",
)
@draws_option(100, 10_000, 1000, "Monte Carlo draws of the band")
@seed_option
@factor_options
def trajectory_command(
    scenario_file: Path,
    layers_dir: Path,
    results_dir: Path,
    baseline_table: Path | None,
    out_dir: Path | None,
    draws: int,
    seed: int,
    gwp_set: str,
    overrides: tuple[Path, ...],
) -> None:
    """The trajectory 2005-2050 of the plan in SCENARIO_FILE (YAML or JSON, format
    docs/scenario.schema.json): baseline evolution plus measures, per commune and region, with
    a Monte Carlo band, the chances of -55 % in 2030 and net zero in 2050, the gaps, the wedges,
    the cost per tonne of each measure and the cheapest set that closes the gap."""
    from minettgeo.factors.tables import load_factor_set
    from minettgeo.layers.region import load_region
    from minettgeo.scenarios.scenario import load_scenario
    from minettgeo.scenarios.trajectory_io import load_inventory, run_trajectory, write_trajectory

    scenario = load_scenario(scenario_file)
    inventory = load_inventory(results_dir)
    factors = load_factor_set(gwp_set, overrides)
    region = load_region(layers_dir)
    t = run_trajectory(
        scenario, region, factors, inventory, draws=draws, seed=seed, baseline_table=baseline_table
    )
    target = out_dir or Path("results") / "trajectories" / scenario_file.stem
    written = write_trajectory(t, target)
    row = t.milestones.iloc[-1]
    click.echo(
        f"{scenario.title}: 2005 baseline ({t.baseline_2005.method}) "
        f"{row['gross_2005_tco2e']:,.0f} t CO2e/a (90 %: {row['gross_2005_p05']:,.0f}-"
        f"{row['gross_2005_p95']:,.0f}); target 2030 {row['target_2030_tco2e']:,.0f} "
        f"({row['target_2030_p05']:,.0f}-{row['target_2030_p95']:,.0f}); "
        f"2030 {row['gross_2030_tco2e']:,.0f} "
        f"({row['change_2005_2030']:+.0%} vs 2005), P(-55 %) = {row['p_minus55_2030']:.0%}, "
        f"gap {row['gap_2030_tco2e']:+,.0f} t CO2e/a; 2050 net {row['net_2050_tco2e']:,.0f}, "
        f"P(net zero) = {row['p_net_zero_2050']:.0%}"
    )
    for path in written:
        click.echo(f"  wrote {path}")


@click.command("robust-plan")
@click.argument(
    "plan_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@directory_option("--layers", "layers_dir", "layers", LAYERS_HELP)
@results_option(RESULTS_HELP)
@file_option(
    "--baseline",
    "baseline_table",
    "CSV of 2005 totals (as for 'minettgeo trajectory'); default: the model's back-cast",
)
@click.option(
    "--futures",
    type=click.IntRange(100, 20_000),
    default=1000,
    show_default=True,
    help="futures sampled (Latin hypercube) of the factors nobody controls",
)
@click.option(
    "--baseline-draws",
    type=click.IntRange(100, 10_000),
    default=1000,
    show_default=True,
    help="draws of the 2005 baseline whose quantiles set each future's 2030 target",
)
@seed_option
@directory_option(
    "--out",
    "out_dir",
    Path("results") / "robust-plan",
    "folder for robust.json, robust_plans.csv and robust_experiments.csv",
)
@factor_options
def robust_plan_command(
    plan_files: tuple[Path, ...],
    layers_dir: Path,
    results_dir: Path,
    baseline_table: Path | None,
    futures: int,
    baseline_draws: int,
    seed: int,
    out_dir: Path,
    gwp_set: str,
    overrides: tuple[Path, ...],
) -> None:
    """Which of the candidate plans (PLAN_FILES, scenario files) holds up across many futures
    of grid decarbonisation, electric-vehicle uptake, population growth, achieved renovation
    and heat-pump efficiency, and how high were 2005 emissions (the -55 % target is 0.45 x
    the 2005 baseline)? Share of futures meeting -55 % in 2030 and net zero in 2050, regret,
    and the signposts (scenario discovery, PRIM) of each plan's failures."""
    import json

    from minettgeo.errors import PolicyError
    from minettgeo.factors.tables import load_factor_set
    from minettgeo.land.tables import load_carbon_tables
    from minettgeo.layers.region import load_region
    from minettgeo.scenarios import effects as fx
    from minettgeo.scenarios.robust import UNCERTAINTIES, explore
    from minettgeo.scenarios.scenario import load_scenario
    from minettgeo.scenarios.trajectory_io import (
        baseline_for,
        check_same_region,
        load_inventory,
        write_unit,
    )

    if len(plan_files) > 50:
        raise PolicyError(f"{len(plan_files)} plans given; compare at most 50 at once")
    plans = [load_scenario(p) for p in plan_files]
    inventory = load_inventory(results_dir)
    factors = load_factor_set(gwp_set, overrides)
    region = load_region(layers_dir)
    check_same_region(inventory, region)
    b05 = baseline_for(
        plans[0], region, factors, inventory, baseline_table, draws=baseline_draws, seed=seed
    )
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=0,
        seed=seed,
        districts=region.districts,
    )
    out = explore(plans, ctx, inventory.rows, b05, futures=futures, seed=seed)
    doc = {
        "plans": [
            {"file": str(f), "title": p.title} for f, p in zip(plan_files, plans, strict=True)
        ],
        "futures": futures,
        "seed": seed,
        "baseline_2005": b05.describe(),
        "gross_2005_tco2e": out["gross_2005_tco2e"],
        "target_2030_tco2e": out["target_2030_tco2e"],
        "target_2030_interval": out["target_2030_interval"],
        "uncertainties": {
            k: {"low": lo, "high": hi, "meaning": d} for k, (lo, hi, d) in UNCERTAINTIES.items()
        },
        "summary": json.loads(out["summary"].to_json(orient="records")),
        "signposts": out["signposts"],
    }
    experiments = out["futures"].reset_index(names="future").merge(out["results"], on="future")
    written = write_unit(
        out_dir,
        {
            "robust.json": json.dumps(doc, indent=1, ensure_ascii=False, default=str),
            "robust_plans.csv": out["summary"].to_csv(index=False, float_format="%.6g"),
            "robust_experiments.csv": experiments.to_csv(index=False, float_format="%.6g"),
        },
        "robust-plan exploration",
    )
    band = out["target_2030_interval"]
    click.echo(
        f"target 2030: {out['target_2030_tco2e']:,.0f} t CO2e/a at the central 2005 baseline, "
        f"{band['p05']:,.0f}-{band['p95']:,.0f} across the baseline's draws (each future its own)"
    )
    for row in out["summary"].itertuples():
        click.echo(
            f"{row.plan_name}: meets -55 % in {row.share_meeting_2030:.0%} of futures, net zero "
            f"in {row.share_meeting_2050:.0%}; max regret 2030 {row.max_regret_2030_tco2e:,.0f} "
            "t CO2e/a"
        )
    for path in written:
        click.echo(f"  wrote {path}")
