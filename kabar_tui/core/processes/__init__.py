"""The processes the stages run in: worker set-up (`workers`), one job in a
spawned interpreter (`spawned`), and reading back the scratch files they share."""
