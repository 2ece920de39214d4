//! Command lines against a fresh cluster, compared with exact kubectl output.
