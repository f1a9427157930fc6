"""linchpin under MPI (a build with -DLP_MPI=ON, docs/mpi.md): the result
file of `mpirun -np P linchpin analyze` is byte for byte the single-process
one, for P = 1, 2, 3, 4, on a generated enterprise (exact betweenness,
sampled betweenness, departure scenarios) and on the real networks of
../shared/data/real (when present); a rank killed mid-run ends the job
with a nonzero status and no result file; `batch` with one bad job finishes
the others and names the bad one; an exact run killed after a checkpoint
resumes to the same file.

Reference: the default (MPI-free) build's linchpin, LP_REF_LINCHPIN or
LP_BINARY_DIR/../release/cli/linchpin; if absent, the MPI build run
without a launcher (one process, the same code path as the default
build). Skipped (77) when LINCHPIN is not an MPI build or mpirun is
missing. Every dataset of every file is compared: dtype, shape and bytes
(HDF5 attributes such as timings and the command line differ by nature)."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

import realdata_convert as rc

LINCHPIN = os.environ.get("LINCHPIN", "")
DATA = os.environ.get("LP_REAL_DATA", "")
FAILS = []
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1",
           OMPI_MCA_btl_vader_single_copy_mechanism="none")


def fail(msg):
    print("FAIL:", msg)
    FAILS.append(msg)


def reference_binary():
    ref = os.environ.get("LP_REF_LINCHPIN")
    if not ref and os.environ.get("LP_BINARY_DIR"):
        cand = os.path.join(os.environ["LP_BINARY_DIR"], "..", "release", "cli", "linchpin")
        if os.path.exists(cand):
            ref = cand
    if ref and "without MPI" in subprocess.run([ref, "--version"], capture_output=True,
                                               text=True).stdout:
        return ref, "the default build"
    return LINCHPIN, "the MPI build alone"


def mpirun(p, args, timeout=300, env=None):
    cmd = ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", str(p), LINCHPIN] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env or ENV)


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                a = obj[()]
                if isinstance(a, np.ndarray):
                    out[name] = (str(a.dtype), a.shape, a.tobytes())
                else:
                    out[name] = (type(a).__name__, (), repr(a).encode())
        f.visititems(visit)
    return out


def same_file(where, got, ref):
    a, b = datasets(got), datasets(ref)
    if sorted(a) != sorted(b):
        fail(f"{where}: datasets {sorted(set(a) ^ set(b))} present in one file only")
    diff = [k for k in b if k in a and a[k] != b[k]]
    if diff:
        fail(f"{where}: datasets differ from the single-process file: {diff[:8]}")
    return len(b)


def check_ranks(tag, inputs, args, ref_bin, tmp, ranks=(1, 2, 3, 4)):
    ref = os.path.join(tmp, f"{tag}-ref.h5")
    p = subprocess.run([ref_bin, "analyze"] + inputs + ["-o", ref, "--quiet"] + args,
                       capture_output=True, text=True, timeout=300,
                       env=dict(ENV, LINCHPIN_NO_MPI="1"))
    if p.returncode:
        fail(f"{tag}: reference run failed ({p.returncode}): {p.stderr.strip()}")
        return
    for np_ in ranks:
        out = os.path.join(tmp, f"{tag}-{np_}.h5")
        r = mpirun(np_, ["analyze"] + inputs + ["-o", out, "--quiet"] + args)
        if r.returncode:
            fail(f"{tag} -np {np_}: exit {r.returncode}: {r.stderr.strip()[:400]}")
            continue
        n = same_file(f"{tag} -np {np_}", out, ref)
        if np_ > 1:
            with h5py.File(out, "r") as f:
                params = f.attrs.get("parameters", b"")
                params = params.decode() if isinstance(params, bytes) else str(params)
                if f'"mpi_ranks":{np_}' not in params:
                    fail(f"{tag} -np {np_}: provenance parameters lack mpi_ranks: {params[:200]}")
        print(f"ok {tag} -np {np_}: {n} datasets identical")


def check_killed_rank(inputs, tmp):
    out = os.path.join(tmp, "killed.h5")
    env = dict(ENV, LINCHPIN_MPI_TEST_KILL_RANK="1")
    try:
        r = mpirun(3, ["analyze"] + inputs + ["-o", out, "--quiet", "--betweenness", "exact"],
                   timeout=120, env=env)
    except subprocess.TimeoutExpired:
        fail("killed rank: the job hung (no end within 120 s)")
        return
    if r.returncode == 0:
        fail("killed rank: exit status 0")
    left = [f for f in os.listdir(tmp) if f.startswith("killed") or f.startswith(".killed")]
    if left:
        fail(f"killed rank: files left behind: {left}")
    if "rank 1" not in r.stderr and "signal 9" not in r.stderr:
        fail(f"killed rank: no message naming the rank: {r.stderr.strip()[:400]}")
    print(f"ok killed rank: exit {r.returncode}, no file, message: "
          f"{[l for l in r.stderr.splitlines() if l.strip()][:2]}")


def check_usage_once(inputs):
    """A usage error under mpirun is reported once (by rank 0), not once per rank."""
    r = mpirun(3, ["analyze"] + inputs + ["--top", "x"])
    lines = [l for l in r.stderr.splitlines() if l.startswith("linchpin:")]
    if r.returncode != 2 or len(lines) != 1:
        fail(f"usage error under 3 ranks: exit {r.returncode}, {len(lines)} message lines: "
             f"{r.stderr!r}")


def check_batch(gen_dir, tmp):
    jobs = os.path.join(tmp, "jobs.csv")
    outs = [os.path.join(tmp, f"batch{j}.h5") for j in range(4)]
    with open(jobs, "w") as f:
        f.write("input,output,options\n")
        f.write(f"{gen_dir},{outs[0]},--betweenness exact\n")
        f.write(f"{os.path.join(tmp, 'no-such-dir')},{outs[1]},\n")
        f.write(f"{gen_dir},{outs[2]},--betweenness off --bus-factor-cap 4\n")
        f.write(f'"{gen_dir}/nodes.csv;{gen_dir}/edges.csv",{outs[3]},--betweenness sampled --seed 3\n')
    for np_ in (1, 3):
        for o in outs:
            if os.path.exists(o):
                os.unlink(o)
        r = mpirun(np_, ["batch", jobs])
        if r.returncode == 0:
            fail(f"batch -np {np_}: exit 0 with a bad job")
        if "job 2" not in r.stderr:
            fail(f"batch -np {np_}: the failed job is not named: {r.stderr.strip()[:400]}")
        missing = [o for j, o in enumerate(outs) if j != 1 and not os.path.exists(o)]
        if missing:
            fail(f"batch -np {np_}: good jobs did not finish: {missing}")
        if os.path.exists(outs[1]):
            fail(f"batch -np {np_}: the bad job left a file")
        if "4 jobs, 3 ok, 1 failed" not in r.stdout:
            fail(f"batch -np {np_}: no summary line: {r.stdout[-400:]}")
        print(f"ok batch -np {np_}: exit {r.returncode}, 3 of 4 jobs written")
    # the batch's files are the ones analyze writes alone
    ref = os.path.join(tmp, "batch-ref0.h5")
    subprocess.run([LINCHPIN, "analyze", f"{gen_dir}/nodes.csv", f"{gen_dir}/edges.csv", "-o",
                    ref, "--quiet", "--betweenness", "exact"], check=True,
                   env=dict(ENV, LINCHPIN_NO_MPI="1"))
    same_file("batch job 1", outs[0], ref)


def check_checkpoint(inputs, ref, tmp):
    ck = os.path.join(tmp, "ckpt")
    out = os.path.join(tmp, "ckpt.h5")
    env = dict(ENV, LINCHPIN_CHECKPOINT_SECONDS="0", LINCHPIN_TEST_CHECKPOINT_KILL="2")
    args = ["analyze"] + inputs + ["-o", out, "--quiet", "--betweenness", "exact",
                                   "--checkpoint", ck]
    r = mpirun(2, args, timeout=120, env=env)
    if r.returncode == 0 or os.path.exists(out):
        fail(f"checkpoint: the killed run exited {r.returncode} or wrote {out}")
    parts = [f for f in os.listdir(ck) if f.endswith(".ckpt")] if os.path.isdir(ck) else []
    if not parts:
        fail("checkpoint: the killed run left no checkpoint file")
    # resume with another rank count
    r = mpirun(3, args, timeout=300, env=dict(ENV, LINCHPIN_CHECKPOINT_SECONDS="0"))
    if r.returncode:
        fail(f"checkpoint resume: exit {r.returncode}: {r.stderr.strip()[:400]}")
        return
    if "chunks done by earlier runs" not in r.stderr:
        fail(f"checkpoint resume: did not reuse the finished chunks: {r.stderr.strip()[:300]}")
    same_file("checkpoint resume", out, ref)
    print(f"ok checkpoint: killed after 2 saves ({len(parts)} files), resumed on 3 ranks: "
          f"{[l for l in r.stderr.splitlines() if 'checkpoint' in l]}")


def main():
    if not LINCHPIN or not shutil.which("mpirun"):
        print("skip: no LINCHPIN or no mpirun")
        return 77
    v = subprocess.run([LINCHPIN, "--version"], capture_output=True, text=True).stdout
    if "with MPI" not in v:
        print(f"skip: {LINCHPIN} is not an MPI build ({v.strip()})")
        return 77
    ref_bin, ref_what = reference_binary()
    print(f"reference: {ref_what} ({ref_bin})")
    with tempfile.TemporaryDirectory(prefix="lp_mpi_") as tmp:
        gen = os.path.join(tmp, "gen")
        subprocess.run([LINCHPIN, "generate", "--accounts", "3000", "--seed", "5", "-o", gen],
                       check=True, capture_output=True, env=dict(ENV, LINCHPIN_NO_MPI="1"))
        inputs = [os.path.join(gen, "nodes.csv"), os.path.join(gen, "edges.csv")]
        check_ranks("generated-exact", inputs, ["--betweenness", "exact"], ref_bin, tmp)
        check_ranks("generated-sampled", inputs,
                    ["--betweenness", "sampled", "--epsilon", "0.05", "--seed", "11"], ref_bin,
                    tmp, ranks=(2, 3))
        with open(os.path.join(gen, "nodes.csv")) as f:
            ids = [line.split(",")[0] for line in f.readlines()[1:40]]
        scen = os.path.join(tmp, "scenarios.csv")
        with open(scen, "w") as f:  # 9 scenarios: every rank gets some at P = 2, 3, 4
            for k in range(9):
                f.write(f"s{k}," + ",".join(ids[3 * k + 1:3 * k + 1 + 1 + k % 3]) + "\n")
        check_ranks("generated-scenarios", inputs,
                    ["--betweenness", "off", "--scenarios", scen, "--leave", ids[12]],
                    ref_bin, tmp, ranks=(2, 3, 4))
        check_killed_rank(inputs, tmp)
        check_usage_once(inputs)
        check_batch(gen, tmp)
        check_checkpoint(inputs, os.path.join(tmp, "generated-exact-ref.h5"), tmp)
        if DATA and os.path.isdir(DATA):
            for name, convert, _ in rc.DATASETS:
                folder = os.path.join(DATA, name)
                if not os.path.isdir(folder):
                    print(f"note: {name} absent")
                    continue
                ds = convert(folder)
                d = os.path.join(tmp, "real-" + ds.name)
                os.makedirs(d, exist_ok=True)
                npath, epath = rc.write_csvs(ds, d)
                check_ranks("real-" + ds.name, [npath, epath],
                            ds.cli_args() + ["--betweenness", "exact"], ref_bin, tmp,
                            ranks=(2, 3, 4))
        else:
            print("note: no real networks (LP_REAL_DATA absent), generated graphs only")
    if FAILS:
        print(f"test_mpi: {len(FAILS)} failures")
        return 1
    print("test_mpi: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
