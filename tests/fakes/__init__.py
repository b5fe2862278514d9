"""Local stand-ins for the outside services custseg talks to, served over real HTTP on loopback."""
