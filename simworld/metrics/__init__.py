"""Metrics of simulated sessions: one module per question.

=================  ======================================================================
module             question
=================  ======================================================================
``text``           how diverse is the simulated text? (distinct-n, Vendi score)
``realism``        can a classifier tell simulated from real turns? (C2ST AUC, label JSDs)
``content``        what do turns talk about, in what tone? (genre topics, VADER buckets)
``behaviour``      do users write and stay like real ones? (length, questions, short turns)
``giveaways``      what gives simulated turns away? (log-odds z of n-grams and style facts)
``transfer``       do simulated labelled turns teach what real users mean? (sim -> real F1)
``fidelity``       is the text true to its latent labels without leaking them?
``coverage``       how much of the latent grid did the run exercise?
``outcomes``       how did the CRS fare? (success@T, recall@k, target leaks)
``load``           how did the endpoints hold up? (latency percentiles, errors, throughput)
``stats``          shared statistics (JSD, total variation, Wasserstein, bootstrap)
``classify``       the shared text classifier and intent-label conventions
``run``            reading a run directory's Parquet tables
``plots``          the report's figures (matplotlib object API, Agg canvas)
=================  ======================================================================

Heavy libraries (scikit-learn, scipy, matplotlib, vaderSentiment) are imported inside the functions
that use them, so importing this package is cheap; they come with the ``analysis`` extra.
:mod:`simworld.compare` and :mod:`simworld.report` assemble these into the CLI's outputs.
"""
