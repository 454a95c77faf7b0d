"""The test kit: builders of test data, the one ``World``, and the fixtures every suite shares.

``tests`` is on pytest's ``pythonpath`` (``pyproject.toml``), so a conftest or a test module
imports from here as ``support``:

- :mod:`support.builders` — plain functions that make posts, agencies, compartments, officials
  with roles, committees and cases (no pytest inside, usable from a script or a shell too);
- :mod:`support.world` — the ``World`` the domain tests share and ``build_world``;
- :mod:`support.fixtures` — the fixtures every test may use (a pytest plugin, loaded by
  ``tests/conftest.py``): the fast password hasher, the test keyring, ``world``,
  ``make_official``, ``open_case``, ``client_for``, ``committed`` …;
- :mod:`support.three_posts` — the cast of the escalations and notifications tests (committees
  at VIENNA, BONN and TOKYO), imported by both of their conftests;
- :mod:`support.api` — a client of one part of the JSON API, as one user with a token;
- :mod:`support.require` — ``skip_or_fail``: a missing optional part (PostgreSQL, the
  browser, sqlmap, the shared contracts) skips, unless ``DEFECTOR_TEST_REQUIRE`` names it.
"""
